import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { client, columns, print, withClientOptions, type ClientOptions } from '../client.ts';

/** `tidings service …`: interactive services — list, show, open, close, results and export, over the HTTP API. */
export function servicesCommand(): Command {
  const cmd = new Command('service').description('Interactive services: inquiry, subscription, poll, survey, quiz, team chat (talks to a server)');

  withClientOptions(cmd.command('list').description('List services, newest first'))
    .option('--type <type>', 'only this type').addOption(new Option('--status <status>').choices(['draft', 'live', 'closed']))
    .action(async (o: ClientOptions & { type?: string; status?: string }) => {
      const qs = new URLSearchParams();
      if (o.type) qs.set('type', o.type);
      if (o.status) qs.set('status', o.status);
      const r = await client(o)('GET', `/api/v1/services?${qs}`);
      print(o, r, () => columns(r.services.map((s: any) => [s.id, s.type, s.status, `v${s.version}`, s.number ?? '*', s.keywords.join(','), s.name])));
    });

  withClientOptions(cmd.command('show <id>').description('Show a service with its rules'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('GET', `/api/v1/services/${encodeURIComponent(id)}`);
      print(o, r, () => [`${r.name}  ${r.type}  ${r.status}  v${r.version}  number ${r.number ?? '(every number)'}  keywords ${r.keywords.join(', ') || '-'}`, JSON.stringify(r.config, null, 2)]);
    });

  for (const verb of ['open', 'close'] as const) {
    withClientOptions(cmd.command(`${verb} <id>`).description(verb === 'open' ? 'Open a service (live)' : 'Close a live service'))
      .action(async (id: string, o: ClientOptions) => {
        const r = await client(o)('POST', `/api/v1/services/${encodeURIComponent(id)}/${verb}`);
        print(o, r, () => [`${r.id} ${r.status}`]);
      });
  }

  withClientOptions(cmd.command('results <id>').description('Results: tallies, funnel, leaderboard, members (JSON with --json)'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('GET', `/api/v1/services/${encodeURIComponent(id)}/results`);
      print(o, r, () => [
        `${r.type} ${r.status} v${r.version}: ${r.responses} response(s), ${r.valid} valid; conversations ${JSON.stringify(r.conversations)}`,
        JSON.stringify(r.view, null, 2),
      ]);
    });

  withClientOptions(cmd.command('export <id>').description('Export every response'))
    .addOption(new Option('--format <format>').choices(['csv', 'xlsx']).default('csv')).requiredOption('--out <file>', 'file to write')
    .addOption(new Option('--lang <lang>', 'language of the headers').choices(['zh-CN', 'en', 'ru']).default('zh-CN'))
    .action(async (id: string, o: ClientOptions & { format: string; out: string; lang: string }) => {
      const buf: Buffer = await client(o)('GET', `/api/v1/services/${encodeURIComponent(id)}/results/export?format=${o.format}&lang=${o.lang}`, undefined, { raw: true });
      writeFileSync(o.out, buf);
      process.stdout.write(`${o.out} (${buf.length} bytes)\n`);
    });

  return cmd;
}
