import { Command, Option } from 'commander';
import { DomainError } from '../../domain/errors.ts';
import { categories } from '../../domain/templates.ts';
import type { SendRequest } from '../../../packages/sdk/src/index.ts';
import { client, collect, columns, jsonOption, print, readRecipients, sdk, sleep, viaSdk, withClientOptions, type Client, type ClientOptions } from '../client.ts';

/** Message statuses after which nothing changes any more (DESIGN §5). */
export const finalStatuses: ReadonlySet<string> = new Set(['excluded', 'delivered', 'undelivered', 'expired', 'rejected', 'failed']);

/** The most the API takes in one call; more recipients go in several calls. */
const perCall = 10_000;

interface SendOptions extends ClientOptions {
  to?: string[]; toFile?: string[]; text?: string; template?: string; data?: string; category?: string; channel?: string;
  scheduleAt?: string; idempotencyKey?: string; wait?: boolean; timeout: string;
}

interface Sent { id: string | null; to: string; status: string; segments: number; reason: string | null }
interface MessageView extends Sent { error: string | null; carrierStat: string | null }

/** Polls each message until it reaches a final status or the deadline passes; answers the last views. */
async function waitFinal(call: Client, ids: string[], deadline: number): Promise<Map<string, MessageView>> {
  const views = new Map<string, MessageView>();
  let pending = ids;
  while (pending.length) {
    const next: string[] = [];
    for (let at = 0; at < pending.length; at += 16) {
      await Promise.all(pending.slice(at, at + 16).map(async (id) => {
        const m = await call('GET', `/api/v1/messages/${encodeURIComponent(id)}`) as MessageView;
        views.set(id, m);
        if (!finalStatuses.has(m.status)) next.push(id);
      }));
    }
    pending = next;
    if (!pending.length) break;
    if (Date.now() > deadline) throw new DomainError('timeout', `${pending.length} message(s) not final after the wait: ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''}`);
    await sleep(500);
  }
  return views;
}

/** `tidings send`: POST /api/v1/messages to one or many numbers; with --wait, polls until every message is final. */
export function sendCommand(): Command {
  return withClientOptions(new Command('send')
    .description('Send a text or a template to one or many numbers (talks to a server)'))
    .option('--to <number>', 'a recipient (repeat, or separate with commas)', collect)
    .option('--to-file <file>', 'numbers, one a line (or a CSV with a phone column); repeatable', collect)
    .option('--text <text>', 'the message text ({{variables}} allowed)')
    .option('--template <id>', 'a template id instead of --text')
    .option('--data <json>', 'values for the template variables, e.g. \'{"code":"1234"}\'')
    .addOption(new Option('--category <category>', 'default: the template\'s, else notification').choices([...categories]))
    .option('--channel <name>', 'pin a channel the tenant may use (otherwise routing decides)')
    .option('--schedule-at <iso>', 'not before this time, ISO-8601 with offset, e.g. 2030-01-01T10:00:00+08:00')
    .option('--idempotency-key <key>', 'the same key and body are sent once, however often the command runs')
    .option('--wait', 'wait until every message is final and print the final statuses')
    .option('--timeout <seconds>', 'how long --wait waits', '120')
    .action(async (o: SendOptions) => {
      const to = [...(o.to ?? []).flatMap((t) => t.split(/[,;\s]+/)), ...(o.toFile ?? []).flatMap((f) => readRecipients(f).map((r) => r.phone))].filter(Boolean);
      if (!to.length) throw new DomainError('invalid_request', 'give at least one recipient with --to or --to-file');
      if (!!o.text === !!o.template) throw new DomainError('invalid_request', 'give exactly one of --text or --template');
      const data = o.data === undefined ? undefined : jsonOption('--data', o.data);
      if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) throw new DomainError('invalid_request', '--data must be a JSON object');
      const timeout = Number(o.timeout);
      if (!(timeout > 0)) throw new DomainError('invalid_request', '--timeout must be a positive number of seconds');
      const t = sdk(o);
      const call = client(o);
      const sent: Sent[] = [];
      const calls = Math.ceil(to.length / perCall);
      for (let i = 0; i < calls; i++) {
        const body = {
          to: to.slice(i * perCall, (i + 1) * perCall), ...(o.text ? { text: o.text } : { templateId: o.template }), ...(data ? { data } : {}),
          ...(o.category ? { category: o.category } : {}), ...(o.channel ? { channel: o.channel } : {}), ...(o.scheduleAt ? { scheduleAt: o.scheduleAt } : {}),
        };
        const key = o.idempotencyKey && (calls > 1 ? `${o.idempotencyKey}-${i + 1}` : o.idempotencyKey);
        // the SDK sends every call under an Idempotency-Key (a fresh one when none is given), so its retries never send twice
        const r = await viaSdk(t, (x) => x.messages.send(body as SendRequest, key ? { idempotencyKey: key } : {})) as { messages: Sent[] };
        sent.push(...r.messages);
      }
      if (!o.wait) {
        print(o, { messages: sent }, () => columns(sent.map((m) => [m.id ?? '-', m.to, m.status, m.segments, m.reason])));
        return;
      }
      const ids = sent.flatMap((m) => (m.id && !finalStatuses.has(m.status) ? [m.id] : []));
      if (!o.json) process.stderr.write(`waiting for ${ids.length} message(s) to become final…\n`);
      const views = await waitFinal(call, ids, Date.now() + timeout * 1000);
      const final = sent.map((m) => (m.id && views.get(m.id)) || m);
      print(o, { messages: final }, () => columns(final.map((m) => {
        const v = m as Partial<MessageView>;
        return [m.id ?? '-', m.to, m.status, m.segments, m.reason ?? v.error ?? (v.carrierStat && v.status !== 'delivered' ? v.carrierStat : null)];
      })));
    });
}
