import { insertLinks, type NewLink } from './links.ts';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Store } from '../dialect.ts';
import { withSqlite, placeholders, prepared, statement } from '../hot.ts';
import { idFloor } from '../../domain/ids.ts';

// The hot path of sending: insert, claim, record submits, apply receipts. SQLite runs prepared statements
// inside one transaction per batch; PostgreSQL runs prepared statements over arrays (unnest). Callers batch.

/** A message to insert: rendered, priced and routed (or excluded with a reason). */
export interface NewMessage {
  id: string; tenantId: string; campaignId: string | null; contactId: string | null; phone: string; sender: string | null;
  text: string; category: string; priority: number; status: 'queued' | 'excluded'; reason: string | null; segments: number;
  price: bigint; channelId: string | null; routeId: string | null; carrier: string | null; region: string | null;
  notBefore: string | null; createdAt: string;
  /** Tracked short links in its text, stored with it. */
  links?: NewLink[];
  /** Set when the message is stored already leased to a worker's dispatcher (handed to it in memory after commit: no claim). */
  lease?: { owner: string; until: string };
  /** The LinkID of the on-demand MO it answers (see worker/outbox.ts `answering`), carried back by its submit. */
  linkId?: string | null;
}

const insertColumns = ['id', 'tenant_id', 'campaign_id', 'contact_id', 'phone', 'sender', 'text', 'category', 'priority', 'status', 'reason',
  'segments', 'price', 'channel_id', 'route_id', 'carrier', 'region', 'parts_done', 'attempts', 'resubmitted', 'not_before', 'lease_owner', 'lease_until', 'created_at', 'link_id'] as const;

/**
 * Inserts messages inside the caller's transaction `trx` (on SQLite through a prepared statement on the raw
 * handle that transaction holds; on PostgreSQL in multi-row statements). A second message to the same number
 * in one campaign is skipped; returns the ids of the rows skipped. A leased message counts as claimed once (attempts = 1).
 */
export async function insertMessages(trx: Db, store: Store, rows: NewMessage[]): Promise<Set<string>> {
  const values = (m: NewMessage) => [m.id, m.tenantId, m.campaignId, m.contactId, m.phone, m.sender, m.text, m.category, m.priority,
    m.status, m.reason, m.segments, m.price.toString(), m.channelId, m.routeId, m.carrier, m.region, 0, m.lease ? 1 : 0, 0, m.notBefore,
    m.lease?.owner ?? null, m.lease?.until ?? null, m.createdAt, m.linkId ?? null];
  const skipped = new Set<string>();
  if (store.dialect === 'sqlite') {
    const one = statement(store.sqlite!, sqliteInsertSql);
    for (const m of rows) if (!one.run(values(m)).changes) skipped.add(m.id);
    await storeLinks(trx, rows, skipped);
    return skipped;
  }
  if (rows.length) {
    const inserted = new Set((await trx.executeQuery<{ id: string }>(CompiledQuery.raw(pgInsertSql, columnsOf(rows, values)))).rows.map((r) => r.id));
    for (const m of rows) if (!inserted.has(m.id)) skipped.add(m.id);
  }
  await storeLinks(trx, rows, skipped);
  return skipped;
}

const sqliteInsertSql = `insert into messages (${insertColumns.join(', ')}) values (${insertColumns.map(() => '?').join(', ')}) on conflict (campaign_id, phone) do nothing`;

/** The tracked links of the messages stored (not of those skipped). */
async function storeLinks(trx: Db, rows: NewMessage[], skipped: Set<string>): Promise<void> {
  let linked: NewMessage[] | null = null;
  for (const m of rows) if (m.links?.length && !skipped.has(m.id)) (linked ??= []).push(m);
  if (linked) await insertLinks(trx, linked);
}

/** A message claimed for sending. */
export interface ClaimedMessage {
  id: string; tenantId: string; campaignId: string | null; contactId: string | null; phone: string; sender: string | null; text: string; channelId: string;
  segments: number; attempts: number; price: bigint;
  /** The LinkID its submit carries back (a reply to an on-demand MO), or null. */
  linkId?: string | null;
}

type ClaimedRow = {
  id: string; tenant_id: string; campaign_id: string | null; contact_id: string | null; phone: string; sender: string | null; text: string; channel_id: string;
  segments: number; attempts: number; price: string | number; link_id: string | null;
};
const claimedColumns = 'id, tenant_id, campaign_id, contact_id, phone, sender, text, channel_id, segments, attempts, cast(price as text) as price, link_id';
const toClaimed = (r: ClaimedRow): ClaimedMessage => ({
  id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, contactId: r.contact_id, phone: r.phone, sender: r.sender, text: r.text, channelId: r.channel_id,
  segments: r.segments, attempts: r.attempts, price: BigInt(r.price), linkId: r.link_id,
});

async function raw<R>(store: Store, text: string, params: unknown[]): Promise<R[]> {
  return (await store.db.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
}

/**
 * Leases up to `limit` queued messages of the given channels to `owner` until `leaseUntil`: first those whose lease ran
 * out without a result (their worker died; counted in `resubmitted` when it had marked them submitting), then free due
 * ones, most urgent first.
 */
export async function claimMessages(store: Store, owner: string, channelIds: string[], limit: number, now: string, leaseUntil: string): Promise<ClaimedMessage[]> {
  if (!channelIds.length) return [];
  if (store.dialect === 'sqlite') {
    const n = channelIds.length;
    const params = (left: number) => [owner, leaseUntil, ...channelIds, now, left];
    const rows = await withSqlite(store, (prepare) => {
      const taken = prepare(claimSql('sqlite', true, n)).all(params(limit)) as ClaimedRow[];
      return taken.length < limit ? taken.concat(prepare(claimSql('sqlite', false, n)).all(params(limit - taken.length)) as ClaimedRow[]) : taken;
    });
    return rows.map(toClaimed);
  }
  const params = (left: number) => [owner, leaseUntil, channelIds, now, left];
  const taken = await raw<ClaimedRow>(store, pgClaimExpiredSql, params(limit));
  const rows = taken.length < limit ? taken.concat(await raw<ClaimedRow>(store, pgClaimFreeSql, params(limit - taken.length))) : taken;
  return rows.map(toClaimed);
}

/**
 * The claim of lapsed (`expired`) or free messages of `n` channels (on PostgreSQL an array). The conditions on status
 * and lease_owner are the predicates of the partial indexes messages_leased and messages_queue.
 *
 * On PostgreSQL a claim commits with synchronous_commit off: a claim lost with the last moments of WAL in a server
 * crash leaves its messages free as before, and nothing of it can have reached a carrier, since a message is sent
 * only after its mark (markSubmitting, committed durably, which also flushes every WAL record before it) matched
 * the lease; the worker's mark finds no lease of its own and drops them.
 */
function claimSql(d: 'sqlite' | 'postgres', expired: boolean, n: number): string {
  const p = (i: number) => (d === 'sqlite' ? '?' : `$${i}`);
  const channels = d === 'sqlite' ? `in (${placeholders(n, d)})` : '= any(cast($3 as text[]))';
  const at = d === 'sqlite' ? p(n + 3) : '$4';
  const limit = d === 'sqlite' ? p(n + 4) : '$5';
  return `update messages set lease_owner = ${p(1)}, lease_until = ${p(2)}, attempts = attempts + 1${expired ? ', resubmitted = resubmitted + submitting, submitting = 0' : ''}
    where id in (select id from messages where status = 'queued' and channel_id ${channels}
      and ${expired ? `lease_owner is not null and lease_until < ${at}` : `lease_owner is null and (not_before is null or not_before <= ${at})`}
      and tenant_id not in (select id from tenants where status <> 'active')
      order by ${expired ? 'lease_until' : 'priority, id'} limit ${limit}${d === 'postgres' ? ' for update skip locked' : ''})
      ${d === 'postgres' ? `and ${asynchronousCommit}` : ''}
    returning ${claimedColumns}`;
}

/**
 * A condition that is always true and turns synchronous_commit off for the transaction of the one statement it is in
 * (an init plan, run once): for single statements whose loss in a server crash the lease protocol recovers from.
 */
const asynchronousCommit = "(select set_config('synchronous_commit', 'off', true)) is not null";

/**
 * Marks messages leased to `owner` as submitting, in one write, before they are handed to their carrier, and extends
 * their lease to `leaseUntil` (a message on its way out never lapses to another worker); returns the ids it marked.
 * A message whose lease another worker took over meanwhile is not marked, and must not be sent. Always committed
 * durably: a message is handed to its carrier only after its mark is stored.
 */
export async function markSubmitting(store: Store, owner: string, ids: string[], leaseUntil: string): Promise<Set<string>> {
  if (!ids.length) return new Set();
  if (store.dialect === 'sqlite') {
    return withSqlite(store, (prepare) => {
      const mark = prepare("update messages set submitting = 1, lease_until = ? where id = ? and lease_owner = ? and status = 'queued'");
      const marked = new Set<string>();
      for (const id of ids) if (mark.run(leaseUntil, id, owner).changes) marked.add(id);
      return marked;
    });
  }
  return new Set((await raw<{ id: string }>(store, pgMarkSql, [ids, owner, leaseUntil])).map((r) => r.id));
}

/** What a finished message's tenant needs to know (refunds, webhooks, statistics). */
export interface MessageEffect { id: string; tenantId: string; campaignId: string | null; phone: string; status: string; price: bigint; segments: number; error: string | null; stat: string | null; doneAt: string | null; final: boolean }

/**
 * The carrier accepted every part of a message; the reports of its parts that arrived before this is written are
 * folded in (status, partsDone, stat, err, doneAt), so a message reported at once is written once, already final.
 */
export interface Submitted {
  id: string; channelId: string; carrierIds: string[]; at: string;
  /** Its contact, "last messaged" now. */
  contactId: string | null;
  status: string; partsDone: number; stat: string | null; err: string | null;
  /** Set when every part has a final report; its carrier ids are then not stored (no later report needs them). */
  doneAt: string | null;
  /** Carrier log lines to append. */
  log: string | null;
  /** What to hand to the effects when the write finished the message. */
  effect: MessageEffect | null;
}
/** The message goes back to the queue (retryable, throttled, channel down) until `notBefore`. */
export interface Requeued { id: string; notBefore: string; error: string; log: string | null }
/** The message failed for good (permanent carrier error) or was excluded (opted out at the carrier). */
export interface Finished { id: string; status: 'failed' | 'rejected' | 'excluded'; error: string; at: string; log: string | null }
/** A delivery report to apply: matched on (channel, carrier id). */
export interface ReceiptUpdate { channelId: string; carrierId: string; status: string; stat: string; err: string | null; doneAt: string | null; receivedAt: string }
/** Everything one flush of the dispatcher writes, in one transaction. */
export interface Outcomes {
  submitted: Submitted[]; requeued: Requeued[]; finished: Finished[];
  /** Reports of messages written earlier, matched through the stored carrier ids (else kept in pending_receipts). */
  receipts: ReceiptUpdate[];
}

type EffectRow = { id: string; tenant_id: string; campaign_id: string | null; phone: string; status: string; price: string | number; segments: number; error: string | null; carrier_stat: string | null; done_at: string | null };
const effectColumns = 'id, tenant_id, campaign_id, phone, status, cast(price as text) as price, segments, error, carrier_stat, done_at';
const toEffect = (r: EffectRow): MessageEffect => ({ id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, phone: r.phone, status: r.status, price: BigInt(r.price), segments: r.segments, error: r.error, stat: r.carrier_stat, doneAt: r.done_at, final: r.done_at !== null });

// Appends log lines (the two parameters are both the lines; null appends nothing).
const appendLog = (p: (i: number) => string, newline: string, i: number) =>
  `channel_log = case when cast(${p(i)} as text) is null then channel_log else coalesce(channel_log || ${newline}, '') || ${p(i + 1)} end`;

// A message's status is the worst of its parts' final reports, and its carrier status and error are those of the report
// that set it (a later, milder part's report does not overwrite them); it is done when every part has reported.
// `takes(x)`: whether a report of status x sets the message's status.
const takes = (m: string, x: string) => `(${m}status in ('submitted', 'queued') or (${m}status = 'delivered' and ${x} <> 'delivered'))`;
const applySql = (p: (i: number) => string) => `update messages set parts_done = parts_done + 1,
    status = case when ${takes('', p(1))} then ${p(2)} else status end,
    carrier_stat = case when ${takes('', p(3))} then ${p(4)} else carrier_stat end,
    carrier_err = case when ${takes('', p(5))} then ${p(6)} else carrier_err end,
    done_at = case when parts_done + 1 >= segments then ${p(7)} else done_at end
  where id = ${p(8)} and done_at is null returning ${effectColumns}`;

const sqliteMessagedSql = 'update contacts set last_messaged_at = ? where id in (select value from json_each(?)) and (last_messaged_at is null or last_messaged_at < ?)';

/**
 * Writes one flush of outcomes in one transaction: submits (with the reports folded in), requeues, failures,
 * and reports of earlier submits, each row with its carrier log lines. Returns the effects of the messages it finished.
 */
export async function recordOutcomes(store: Store, o: Outcomes): Promise<MessageEffect[]> {
  const d = store.dialect;
  const p = (i: number) => (d === 'sqlite' ? '?' : `$${i}`);
  const newline = d === 'sqlite' ? 'char(10)' : 'chr(10)';
  const submitSql = `update messages set status = case when status in ('queued', 'submitted') then ${p(1)} else status end, carrier_ids = ${p(2)},
    submitted_at = ${p(3)}, channel_id = ${p(4)}, submitted_by = lease_owner, lease_owner = null, lease_until = null, submitting = 0, error = null, parts_done = parts_done + ${p(5)},
    carrier_stat = coalesce(${p(6)}, carrier_stat), carrier_err = coalesce(${p(7)}, carrier_err), done_at = ${p(8)}, ${appendLog(p, newline, 9)}
    where id = ${p(11)} and done_at is null`;
  const idSql = `insert into carrier_ids (channel_id, carrier_id, message_id, part) values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}) on conflict (channel_id, carrier_id) do update set message_id = excluded.message_id, part = excluded.part`;
  const requeueSql = `update messages set lease_owner = null, lease_until = null, submitting = 0, not_before = ${p(1)}, error = ${p(2)}, ${appendLog(p, newline, 3)} where id = ${p(5)} and status = 'queued'`;
  const finishSql = `update messages set status = ${p(1)}, error = ${p(2)}, reason = case when ${p(3)} = 'excluded' then 'opted_out' else reason end, done_at = ${p(4)},
    lease_owner = null, lease_until = null, submitting = 0, ${appendLog(p, newline, 5)} where id = ${p(7)} and status = 'queued' returning ${effectColumns}`;
  const findSql = `select message_id from carrier_ids where channel_id = ${p(1)} and carrier_id = ${p(2)}`;
  const statSql = `update messages set carrier_stat = ${p(1)} where id = ${p(2)}`;
  const pendSql = `insert into pending_receipts (channel_id, carrier_id, status, stat, err, done_at, received_at) values (${placeholders(7, d)})
    on conflict (channel_id, carrier_id) do update set status = excluded.status, stat = excluded.stat, err = excluded.err, done_at = excluded.done_at`;
  const apply = applySql(p);
  const latest = (subs: Submitted[]) => subs.reduce((m, s) => (s.at > m ? s.at : m), subs[0].at);
  if (d === 'sqlite') {
    return withSqlite(store, (prepare) => {
      const out: MessageEffect[] = [];
      const sub = prepare(submitSql); const ins = prepare(idSql);
      const messaged: string[] = [];
      for (const s of o.submitted) {
        const changed = sub.run(s.status, s.carrierIds.length === 1 ? s.carrierIds[0] : s.carrierIds.join(','), s.at, s.channelId, s.partsDone, s.stat, s.err, s.doneAt, s.log, s.log, s.id).changes;
        if (!changed) continue;
        if (s.contactId !== null) messaged.push(s.contactId);
        if (s.effect) out.push(s.effect);
        if (s.doneAt === null) for (let i = 0; i < s.carrierIds.length; i++) ins.run(s.channelId, s.carrierIds[i], s.id, i + 1);
      }
      // their contacts were "last messaged" now: one statement per flush, never one per message
      if (messaged.length) { const at = latest(o.submitted); prepare(sqliteMessagedSql).run(at, JSON.stringify(messaged), at); }
      if (o.requeued.length) {
        const req = prepare(requeueSql);
        for (const r of o.requeued) req.run(r.notBefore, r.error, r.log, r.log, r.id);
      }
      if (o.finished.length) {
        const fin = prepare(finishSql);
        for (const f of o.finished) {
          const row = fin.get(f.status, f.error, f.status, f.at, f.log, f.log, f.id) as EffectRow | undefined;
          if (row) out.push(toEffect(row));
        }
      }
      if (o.receipts.length) {
        const find = prepare(findSql); const stat = prepare(statSql); const pend = prepare(pendSql); const upd = prepare(apply);
        for (const r of o.receipts) {
          const hit = find.get(r.channelId, r.carrierId) as { message_id: string } | undefined;
          if (!hit) { pend.run(r.channelId, r.carrierId, r.status, r.stat, r.err, r.doneAt, r.receivedAt); continue; }
          if (r.status === 'submitted') { stat.run(r.stat, hit.message_id); continue; }
          const row = upd.get(r.status, r.status, r.status, r.stat, r.status, r.err, r.doneAt ?? r.receivedAt, hit.message_id) as EffectRow | undefined;
          if (row) out.push(toEffect(row));
        }
      }
      return out;
    });
  }
  const submitParams = () => {
    const parts: unknown[][] = [];
    for (const x of o.submitted) if (x.doneAt === null) x.carrierIds.forEach((c, i) => parts.push([x.channelId, c, x.id, i + 1]));
    const columns = columnsOf(o.submitted, (x) => [x.id, x.status, x.carrierIds.join(','), x.at, x.channelId, x.partsDone, x.stat, x.err, x.doneAt, x.log]);
    return [...columns, ...(parts.length ? columnsOf(parts, (x) => x) : [[], [], [], []]), latest(o.submitted)];
  };
  const submitEffects = (updated: Set<string>) => o.submitted.flatMap((x) => (x.effect && updated.has(x.id) ? [x.effect] : []));
  if (!o.requeued.length && !o.finished.length && !o.receipts.length) {
    if (!o.submitted.length) return [];
    // Only submits: one statement, atomic on its own (no begin/commit round trips). Without a report folded in, nothing
    // of it has been acknowledged to anyone when it commits, and it commits with synchronous_commit off: lost in a
    // server crash, its messages are back as leased, marked submitting; their lease runs out, another claim counts them
    // resubmitted and sends them again. Only messages marked since the last durable commit can be lost so (every later
    // durable commit, such as the next mark, flushes it), so the re-sent stay within the gate's bound of DESIGN §7.
    const reported = o.submitted.some((x) => x.stat !== null || x.partsDone > 0);
    const rows = await againOnConflict(() => raw<{ id: string }>(store, reported ? pgSubmitSql : pgSubmitAsyncSql, submitParams()));
    return submitEffects(new Set(rows.map((r) => r.id)));
  }
  // Two workers' flushes can touch the same rows (a receipt can arrive on the other worker's bind) in different orders;
  // PostgreSQL then aborts one of them as a deadlock. Nothing of it was applied, so it is run again (so is the statement above).
  return againOnConflict(() => store.db.transaction().execute(async (trx) => {
    const run = async <R>(text: string, params: unknown[]) => (await trx.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
    const out: MessageEffect[] = [];
    if (o.submitted.length) out.push(...submitEffects(new Set((await run<{ id: string }>(pgSubmitSql, submitParams())).map((r) => r.id))));
    for (const r of o.requeued) await run(requeueSql, [r.notBefore, r.error, r.log, r.log, r.id]);
    for (const f of o.finished) out.push(...(await run<EffectRow>(finishSql, [f.status, f.error, f.status, f.at, f.log, f.log, f.id])).map(toEffect));
    if (!o.receipts.length) return out;
    const hits = new Map<string, string>();
    for (const r of await run<{ channel_id: string; carrier_id: string; message_id: string }>(pgFindSql, columnsOf(o.receipts, (x) => [x.channelId, x.carrierId]))) {
      hits.set(`${r.channel_id}\u0000${r.carrier_id}`, r.message_id);
    }
    // one statement per kind: unmatched reports wait (the last one per carrier id), interim ones set the stat, and
    // final ones apply in rounds (the k-th report of a message in the k-th round: a row is updated once per statement)
    const pending = new Map<string, ReceiptUpdate>();
    const stats = new Map<string, string>();
    const rounds: { id: string; r: ReceiptUpdate }[][] = [];
    const seen = new Map<string, number>();
    for (const r of o.receipts) {
      const key = `${r.channelId}\u0000${r.carrierId}`;
      const id = hits.get(key);
      if (!id) { pending.set(key, r); continue; }
      if (r.status === 'submitted') { stats.set(id, r.stat); continue; }
      const k = seen.get(id) ?? 0;
      seen.set(id, k + 1);
      (rounds[k] ??= []).push({ id, r });
    }
    if (pending.size) await run(pgPendingSql, columnsOf([...pending.values()], (r) => [r.channelId, r.carrierId, r.status, r.stat, r.err, r.doneAt, r.receivedAt]));
    if (stats.size) await run(pgStatSql, [[...stats.keys()], [...stats.values()]]);
    for (const round of rounds) {
      out.push(...(await run<EffectRow>(pgApplySql, columnsOf(round, ({ id, r }) => [id, r.status, r.stat, r.err, r.doneAt ?? r.receivedAt]))).map(toEffect));
    }
    return out;
  }));
}

/** The columns of rows as one array each: what `unnest` takes, so a statement's text never depends on its batch size. */
function columnsOf<T>(rows: T[], values: (row: T) => unknown[]): unknown[][] {
  const columns: unknown[][] = [];
  for (const row of rows) {
    const v = values(row);
    for (let i = 0; i < v.length; i++) (columns[i] ??= []).push(v[i]);
  }
  return columns;
}

const unnest = (types: string[], from = 1) => `unnest(${types.map((t, i) => `cast($${from + i} as ${t}[])`).join(', ')})`;

// The PostgreSQL statements of the hot path: one text each whatever the batch size (arrays through unnest), run as
// prepared statements.
const insertTypes: Record<string, string> = { priority: 'integer', segments: 'integer', price: 'bigint', parts_done: 'integer', attempts: 'integer', resubmitted: 'integer' };
const pgInsertSql = prepared(`insert into messages (${insertColumns.join(', ')}) select * from ${unnest(insertColumns.map((c) => insertTypes[c] ?? 'text'))}
  on conflict (campaign_id, phone) do nothing returning id`);
const pgClaimExpiredSql = prepared(claimSql('postgres', true, 1));
const pgClaimFreeSql = prepared(claimSql('postgres', false, 1));
const pgMarkSql = prepared("update messages set submitting = 1, lease_until = $3 where id = any(cast($1 as text[])) and lease_owner = $2 and status = 'queued' returning id");
/**
 * The submits of one flush in one statement: the messages' update, the carrier ids of those not finished yet (of the
 * rows it updated), and their contacts "last messaged"; answers the ids updated. `async`: committing with
 * synchronous_commit off (only as a statement of its own, see recordOutcomes).
 */
const pgSubmitText = (async: boolean) => `with v as (select * from ${unnest(['text', 'text', 'text', 'text', 'text', 'integer', 'text', 'text', 'text', 'text'])}
    as v(id, status, ids, at, ch, pd, stat, err, done, log)),
  sub as (update messages m set status = case when m.status in ('queued', 'submitted') then v.status else m.status end,
    carrier_ids = v.ids, submitted_at = v.at, channel_id = v.ch, submitted_by = m.lease_owner, lease_owner = null, lease_until = null, submitting = 0, error = null,
    parts_done = m.parts_done + v.pd, carrier_stat = coalesce(v.stat, m.carrier_stat), carrier_err = coalesce(v.err, m.carrier_err), done_at = v.done,
    channel_log = case when v.log is null then m.channel_log when m.channel_log is null then v.log else m.channel_log || chr(10) || v.log end
    from v where m.id = v.id and m.done_at is null returning m.id, m.contact_id),
  ids as (insert into carrier_ids (channel_id, carrier_id, message_id, part) select p.ch, p.cid, p.mid, p.part from ${unnest(['text', 'text', 'text', 'integer'], 11)} as p(ch, cid, mid, part)
    where p.mid in (select id from sub) on conflict (channel_id, carrier_id) do update set message_id = excluded.message_id, part = excluded.part),
  messaged as (update contacts set last_messaged_at = cast($15 as text) where id in (select contact_id from sub where contact_id is not null)
    and (last_messaged_at is null or last_messaged_at < cast($15 as text)))
  select id from sub${async ? ` where ${asynchronousCommit}` : ''}`;
const pgSubmitSql = prepared(pgSubmitText(false));
const pgSubmitAsyncSql = prepared(pgSubmitText(true));
const pgFindSql = prepared(`select c.channel_id, c.carrier_id, c.message_id from carrier_ids c join ${unnest(['text', 'text'])} as k(ch, cid) on c.channel_id = k.ch and c.carrier_id = k.cid`);
const pgPendingSql = prepared(`insert into pending_receipts (channel_id, carrier_id, status, stat, err, done_at, received_at) select * from ${unnest(['text', 'text', 'text', 'text', 'text', 'text', 'text'])}
  on conflict (channel_id, carrier_id) do update set status = excluded.status, stat = excluded.stat, err = excluded.err, done_at = excluded.done_at`);
const pgStatSql = prepared(`update messages m set carrier_stat = v.stat from ${unnest(['text', 'text'])} as v(id, stat) where m.id = v.id`);
// applySql for many messages at once (one report each)
const pgApplySql = prepared(`update messages m set parts_done = m.parts_done + 1,
    status = case when ${takes('m.', 'v.status')} then v.status else m.status end,
    carrier_stat = case when ${takes('m.', 'v.status')} then v.stat else m.carrier_stat end,
    carrier_err = case when ${takes('m.', 'v.status')} then v.err else m.carrier_err end,
    done_at = case when m.parts_done + 1 >= m.segments then v.done else m.done_at end
  from ${unnest(['text', 'text', 'text', 'text', 'text'])} as v(id, status, stat, err, done)
  where m.id = v.id and m.done_at is null
  returning m.id, m.tenant_id, m.campaign_id, m.phone, m.status, cast(m.price as text) as price, m.segments, m.error, m.carrier_stat, m.done_at`);

/**
 * Runs a PostgreSQL transaction again (up to 5 times in all) when the server aborted it as a deadlock or a
 * serialization failure, after a short random wait so two workers caught in the same pattern do not retry in step.
 */
async function againOnConflict<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** Receipts that waited for their carrier id and can now be matched; removed from pending as they are returned. */
export async function takeMatchablePendingReceipts(store: Store, limit = 5000): Promise<ReceiptUpdate[]> {
  const rows = await store.db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('pending_receipts as p')
      .innerJoin('carrier_ids as c', (j) => j.onRef('c.channel_id', '=', 'p.channel_id').onRef('c.carrier_id', '=', 'p.carrier_id'))
      .select(['p.channel_id', 'p.carrier_id', 'p.status', 'p.stat', 'p.err', 'p.done_at', 'p.received_at'])
      .limit(limit).execute();
    for (const r of found) await trx.deleteFrom('pending_receipts').where('channel_id', '=', r.channel_id).where('carrier_id', '=', r.carrier_id).execute();
    return found;
  });
  return rows.map((r) => ({ channelId: r.channel_id, carrierId: r.carrier_id, status: r.status, stat: r.stat, err: r.err, doneAt: r.done_at, receivedAt: r.received_at }));
}

/** A message as the API shows it. */
export interface MessageView {
  id: string; to: string; status: string; reason: string | null; segments: number; price: string; channel: string | null; carrierMessageId: string | null;
  carrierStat: string | null; carrierErr: string | null; error: string | null; campaignId: string | null; category: string; text: string; resubmitted: number;
  createdAt: string; notBefore: string | null; submittedAt: string | null; doneAt: string | null;
  /** The LinkID of the on-demand MO it answers, which its submit carries back (CMPP 3.0, SMGP), or null. */
  linkId: string | null;
}

function messageQuery(db: Db, tenantId: string) {
  return db.selectFrom('messages as m').leftJoin('channels as c', 'c.id', 'm.channel_id')
    .select(['m.id', 'm.phone', 'm.status', 'm.reason', 'm.segments', 'c.name as channel', 'm.carrier_ids', 'm.carrier_stat', 'm.carrier_err', 'm.error',
      'm.campaign_id', 'm.category', 'm.text', 'm.resubmitted', 'm.created_at', 'm.not_before', 'm.submitted_at', 'm.done_at', 'm.link_id'])
    .select(sql<string>`cast(m.price as text)`.as('price'))
    .where('m.tenant_id', '=', tenantId);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof messageQuery>['executeTakeFirstOrThrow']>>;
const toView = (r: ViewRow): MessageView => ({
  // a queued message's reason says why it waits (quiet_hours, send_window, scheduled); once it went, that is history
  id: r.id, to: r.phone, status: r.status, reason: r.status === 'excluded' || r.status === 'queued' ? r.reason : null, segments: r.segments, price: r.price, channel: r.channel, carrierMessageId: r.carrier_ids,
  carrierStat: r.carrier_stat, carrierErr: r.carrier_err, error: r.error, campaignId: r.campaign_id, category: r.category, text: r.text,
  resubmitted: r.resubmitted, createdAt: r.created_at, notBefore: r.not_before, submittedAt: r.submitted_at,
  // A receipt's done date often has minute precision: never show a message done before it was submitted.
  doneAt: r.done_at !== null && r.submitted_at !== null && r.done_at < r.submitted_at ? r.submitted_at : r.done_at,
  linkId: r.link_id,
});

/** One message of a tenant. */
export async function getMessage(db: Db, tenantId: string, id: string): Promise<MessageView | undefined> {
  const r = await messageQuery(db, tenantId).where('m.id', '=', id).executeTakeFirst();
  return r && toView(r);
}

/** The tenant's messages, newest first, filtered by number, status or campaign. */
export async function listMessages(db: Db, tenantId: string, f: { phone?: string; status?: string; campaignId?: string; before?: string; limit: number }): Promise<MessageView[]> {
  const rows = await messageQuery(db, tenantId)
    .$if(!!f.phone, (q) => q.where('m.phone', '=', f.phone!))
    .$if(!!f.status, (q) => q.where('m.status', '=', f.status!))
    .$if(!!f.campaignId, (q) => q.where('m.campaign_id', '=', f.campaignId!))
    .$if(!!f.before, (q) => q.where('m.id', '<', f.before!))
    .orderBy('m.id', 'desc').limit(f.limit).execute();
  return rows.map(toView);
}

/** The carrier log of one message (the caller has checked the tenant owns it), one entry per PDU. */
export async function messageLog(db: Db, messageId: string): Promise<{ at: string; direction: string; summary: string }[]> {
  const row = await db.selectFrom('messages').select('channel_log').where('id', '=', messageId).executeTakeFirst();
  if (!row?.channel_log) return [];
  // each line: `<ISO time> → <summary>` (out) or `<ISO time> ← <summary>` (in)
  return row.channel_log.split('\n').map((line) => {
    const space = line.indexOf(' ');
    return { at: line.slice(0, space), direction: line[space + 1] === '→' ? 'out' : 'in', summary: line.slice(space + 3) };
  });
}

/**
 * Removes the carrier log of messages created and sent before `before`, in batches (no long write lock on SQLite),
 * walking ids from `from`; returns where the next walk may start (every log below it is gone), so hourly runs do not
 * read old messages again.
 */
export async function purgeChannelLog(db: Db, before: string, from = ''): Promise<string> {
  // ids sort by creation time: the walk stays below the first id that could have been created after `before`
  const ceiling = idFloor(Date.parse(before));
  let next: string | null = null;
  let after: string | null = null;
  for (;;) {
    const rows = await db.selectFrom('messages').select(['id', 'submitted_at']).where('id', after === null ? '>=' : '>', after ?? from).where('id', '<', ceiling)
      .where('channel_log', 'is not', null).orderBy('id').limit(5000).execute();
    if (!rows.length) return next ?? ceiling;
    const ids: string[] = [];
    for (const r of rows) {
      // created before the cut-off but sent after it (scheduled): kept, and the next walk starts there
      if (r.submitted_at !== null && r.submitted_at >= before) next ??= r.id;
      else ids.push(r.id);
    }
    if (ids.length) await db.updateTable('messages').set({ channel_log: null }).where('id', 'in', ids).execute();
    after = rows[rows.length - 1].id;
  }
}

/** Forgets receipts that waited since before `before` for a carrier id that never came (their message was sent again, or finished). */
export async function purgePendingReceipts(db: Db, before: string): Promise<void> {
  await db.deleteFrom('pending_receipts').where('received_at', '<', before).execute();
}

/** Gives back leases a worker holds on messages it will not submit (handed to it while it was stopping). */
export async function releaseLeases(db: Db, owner: string, ids: string[]): Promise<void> {
  for (let at = 0; at < ids.length; at += 500) {
    await db.updateTable('messages').set({ lease_owner: null, lease_until: null })
      .where('id', 'in', ids.slice(at, at + 500)).where('lease_owner', '=', owner).where('status', '=', 'queued').execute();
  }
}

/** Extends the leases a live worker holds, so slow channels never let another worker take its messages. */
export async function renewLeases(db: Db, owner: string, until: string): Promise<void> {
  await db.updateTable('messages').set({ lease_until: until }).where('lease_owner', '=', owner).where('status', '=', 'queued').execute();
}
