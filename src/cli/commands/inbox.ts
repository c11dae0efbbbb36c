import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { client, print, withClientOptions, type ClientOptions } from '../client.ts';

const short = (s: string | null, n = 60) => (s ?? '').replace(/\s+/g, ' ').slice(0, n);

/** `tidings inbox …`: conversations, history, replies, assignment, export and inbound messages, over the HTTP API. */
export function inboxCommand(): Command {
  const cmd = new Command('inbox').description('Two-way messaging: conversations, replies and inbound messages (talks to a server)');

  withClientOptions(cmd.command('list').description('List conversations, most recent first'))
    .option('--unread', 'only conversations with unread messages').option('--q <text>', 'search number, name and text')
    .option('--assigned <who>', '"me", "none" or a user id').addOption(new Option('--status <status>').choices(['open', 'closed']))
    .option('--limit <n>', 'how many', '50')
    .action(async (o: ClientOptions & { unread?: boolean; q?: string; assigned?: string; status?: string; limit: string }) => {
      const qs = new URLSearchParams({ limit: o.limit });
      if (o.unread) qs.set('unread', 'true');
      if (o.q) qs.set('q', o.q);
      if (o.assigned) qs.set('assigned', o.assigned);
      if (o.status) qs.set('status', o.status);
      const r = await client(o)('GET', `/api/v1/inbox?${qs}`);
      print(o, r, () => [
        `${r.unread.conversations} unread conversation(s), ${r.unread.messages} unread message(s)`,
        ...r.conversations.map((c: any) => `${c.id}  ${c.phone}  ${c.unread ? `[${c.unread} new] ` : ''}${c.lastDirection === 'in' ? '←' : '→'} ${short(c.lastText)}  ${c.lastAt}`),
      ]);
    });

  withClientOptions(cmd.command('show <id>').description('Show a conversation with its full history (marks nothing read)'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('GET', `/api/v1/inbox/${encodeURIComponent(id)}`);
      print(o, r, () => [
        `${r.phone}${r.contactName ? ` (${r.contactName})` : ''}  ${r.status}${r.assignedTo ? `  assigned to ${r.assignedTo}` : ''}`,
        ...r.messages.map((m: any) => `${m.at}  ${m.direction === 'in' ? '←' : '→'} ${m.text}${m.direction === 'out' && m.status ? `  [${m.status}]` : ''}`),
      ]);
    });

  withClientOptions(cmd.command('reply <id> <text...>').description('Reply in a conversation (an ordinary outbound message)'))
    .action(async (id: string, words: string[], o: ClientOptions) => {
      const r = await client(o)('POST', `/api/v1/inbox/${encodeURIComponent(id)}/reply`, { text: words.join(' ') });
      print(o, r, () => [`${r.message.id} ${r.message.status}${r.message.reason ? ` (${r.message.reason})` : ''}`]);
    });

  withClientOptions(cmd.command('read <id>').description('Mark a conversation read'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('POST', `/api/v1/inbox/${encodeURIComponent(id)}/read`);
      print(o, r, () => [`${r.id} read`]);
    });

  withClientOptions(cmd.command('assign <id> <user>').description('Assign a conversation to a user id ("none" to unassign)'))
    .action(async (id: string, user: string, o: ClientOptions) => {
      const r = await client(o)('PATCH', `/api/v1/inbox/${encodeURIComponent(id)}`, { assignedTo: user === 'none' ? null : user });
      print(o, r, () => [`${r.id} assigned to ${r.assignedTo ?? 'nobody'}`]);
    });

  withClientOptions(cmd.command('export').description('Export conversations with their messages'))
    .addOption(new Option('--format <format>').choices(['csv', 'xlsx']).default('csv')).requiredOption('--out <file>', 'file to write')
    .option('--q <text>', 'search').option('--unread', 'only unread')
    .action(async (o: ClientOptions & { format: string; out: string; q?: string; unread?: boolean }) => {
      const qs = new URLSearchParams({ format: o.format, limit: '10000' });
      if (o.q) qs.set('q', o.q);
      if (o.unread) qs.set('unread', 'true');
      const buf: Buffer = await client(o)('GET', `/api/v1/inbox/export?${qs}`, undefined, { raw: true });
      writeFileSync(o.out, buf);
      process.stdout.write(`${o.out} (${buf.length} bytes)\n`);
    });

  withClientOptions(cmd.command('inbound').description('List inbound messages as received, with what the router did'))
    .option('--phone <number>', 'from this number').option('--action <action>', 'opt_out, opt_in, help, rule, none').option('--limit <n>', 'how many', '50')
    .action(async (o: ClientOptions & { phone?: string; action?: string; limit: string }) => {
      const qs = new URLSearchParams({ limit: o.limit });
      if (o.phone) qs.set('phone', o.phone);
      if (o.action) qs.set('action', o.action);
      const r = await client(o)('GET', `/api/v1/inbound?${qs}`);
      print(o, r, () => r.messages.map((m: any) => `${m.receivedAt}  ${m.from} → ${m.to}  ${m.action}${m.keyword ? `:${m.keyword}` : ''}  ${short(m.text)}${m.replyStatus ? `  reply ${m.replyStatus}` : ''}`));
    });

  return cmd;
}
