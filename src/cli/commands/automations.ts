import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { DomainError } from '../../domain/errors.ts';
import { client, columns, print, withClientOptions, type ClientOptions } from '../client.ts';

/** Events per request of `event send` (the API's most). */
const batch = 10_000;

/**
 * Reads events from a CSV: a `phone` or `externalId` column, `idempotencyKey` (a row without one is refused with its
 * line), optional `occurredAt`; every other column comes along as the event's data.
 */
export function readEvents(file: string, type: string): Record<string, unknown>[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, delimiter: [',', ';', '\t'] });
  } catch (e) {
    throw new DomainError('invalid_request', `${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return rows.map((r, i) => {
    const data: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(r)) if (!['phone', 'externalId', 'idempotencyKey', 'occurredAt'].includes(k) && v !== '') data[k] = v;
    if (!r.idempotencyKey) throw new DomainError('invalid_request', `${file} line ${i + 2}: no idempotencyKey (every event needs one, so a retry is not sent twice)`);
    if (!r.phone && !r.externalId) throw new DomainError('invalid_request', `${file} line ${i + 2}: give phone or externalId`);
    return {
      type, idempotencyKey: r.idempotencyKey, contact: r.externalId ? { externalId: r.externalId } : { phone: r.phone },
      ...(r.occurredAt ? { occurredAt: r.occurredAt } : {}), data: { ...data },
    };
  });
}

/** `tidings event send`: posts events from a CSV file to the automations, in batches, over the HTTP API. */
export function eventCommand(): Command {
  const cmd = new Command('event').description('Events that trigger automations (talks to a server)');
  withClientOptions(cmd.command('send').description('Post events from a CSV (phone|externalId, idempotencyKey, occurredAt?, data columns…)'))
    .requiredOption('--type <type>', 'the event type, e.g. renewal_due').requiredOption('--file <file>', 'CSV file of events')
    .action(async (o: ClientOptions & { type: string; file: string }) => {
      const events = readEvents(o.file, o.type);
      const api = client(o);
      const counts: Record<string, number> = Object.create(null) as Record<string, number>;
      let occurrences = 0;
      for (let at = 0; at < events.length; at += batch) {
        const r = await api('POST', '/api/v1/events/batch', { events: events.slice(at, at + batch) });
        for (const [k, n] of Object.entries(r.counts as Record<string, number>)) counts[k] = (counts[k] ?? 0) + n;
        occurrences += r.occurrences;
      }
      print(o, { received: events.length, counts: { ...counts }, occurrences }, () => [
        `${events.length} event(s): ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}; ${occurrences} message(s) scheduled`,
      ]);
    });
  return cmd;
}

/** `tidings automation …`: list automations, turn them on or pause them, see and cancel their occurrences, preview. */
export function automationCommand(): Command {
  const cmd = new Command('automation').description('Automations: birthdays, holidays, events, welcome (talks to a server)');
  withClientOptions(cmd.command('list').description('List automations'))
    .action(async (o: ClientOptions) => {
      const r = await client(o)('GET', '/api/v1/automations');
      print(o, r, () => [
        ...(r.calendarWarning ? [`! ${r.calendarWarning}`] : []),
        ...columns(r.automations.map((a: any) => [a.id, a.status, a.trigger.type, a.name])),
      ]);
    });
  for (const action of ['on', 'pause'] as const) {
    withClientOptions(cmd.command(`${action} <id>`).description(action === 'on' ? 'Turn an automation on' : 'Pause an automation'))
      .action(async (id: string, o: ClientOptions) => {
        const r = await client(o)('POST', `/api/v1/automations/${encodeURIComponent(id)}/${action}`);
        print(o, r, () => [`${r.id} ${r.status}`]);
      });
  }
  withClientOptions(cmd.command('occurrences <id>').description('Occurrences in due order'))
    .option('--status <status>', 'pending, sent, excluded, cancelled, skipped or missed').option('--limit <n>', 'how many', '100')
    .action(async (id: string, o: ClientOptions & { status?: string; limit: string }) => {
      const qs = new URLSearchParams({ limit: o.limit, ...(o.status ? { status: o.status } : {}) });
      const r = await client(o)('GET', `/api/v1/automations/${encodeURIComponent(id)}/occurrences?${qs}`);
      print(o, r, () => columns(r.occurrences.map((x: any) => [x.id, x.dueAt, x.zone, x.phone, x.status, x.reason])));
    });
  withClientOptions(cmd.command('cancel <id> <occurrenceId>').description('Cancel a pending occurrence'))
    .action(async (id: string, occurrenceId: string, o: ClientOptions) => {
      const r = await client(o)('POST', `/api/v1/automations/${encodeURIComponent(id)}/occurrences/${encodeURIComponent(occurrenceId)}/cancel`);
      print(o, r, () => [`${r.id} cancelled`]);
    });
  withClientOptions(cmd.command('preview <id>').description('Who would receive what on which date'))
    .option('--days <n>', 'how many days ahead', '30')
    .action(async (id: string, o: ClientOptions & { days: string }) => {
      const r = await client(o)('GET', `/api/v1/automations/${encodeURIComponent(id)}/preview?days=${encodeURIComponent(o.days)}`);
      print(o, r, () => [...columns(r.rows.map((x: any) => [x.localDate, x.dueAt, x.phone, x.text])), ...Object.entries(r.skipped).map(([k, n]) => `skipped ${k}: ${n}`)]);
    });
  return cmd;
}
