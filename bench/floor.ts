// The floor of `dispatch` (DESIGN §8): only the work one message cannot do without, with durable state. Every message
// is inserted (materialise, 1,000 per transaction, leased to this sender as the engine stores what it hands over),
// marked submitting per gate before it goes out (the crash bound of DESIGN §7: 2 windows open at most, as the
// dispatcher), submitted over one SMPP bind with a full window to the same virtual carrier process, and written back
// with its carrier id; its receipt is matched through the carrier id and stored before it is acknowledged. Outcomes
// are written per half gate or every 20 ms like the dispatcher's flushes, and a receipt already in when its submit is
// written is written with it (as the dispatcher folds it). Same SQLite file settings (src/store/dialect.ts
// openSqlite: WAL, synchronous = NORMAL, page and cache size) and the indexes the engine's hot path needs. No
// scheduling, routing, pre-flight, pricing, carrier log, contacts or effects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cmd, type Pdu } from '../src/channels/smpp/pdus.ts';
import { normaliseId } from '../src/channels/smpp/ids.ts';
import { receiptFromPdu } from '../src/channels/smpp/receipt.ts';
import { benchSubmit, openBind } from './support/bind.ts';
import { openSqlite } from '../src/store/dialect.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_WINDOW, benchNumber, benchText, runAgainstSmsc } from './support/smsc.ts';

const schema = [
  `create table messages (id text primary key, campaign_id text not null, phone text not null, text text not null, priority integer not null,
    status text not null, lease_owner text, lease_until text, submitting integer not null default 0, attempts integer not null,
    carrier_ids text, carrier_stat text, submitted_at text, done_at text)`,
  // insert: one message per number and campaign; claim: free and expired leases; campaign completion: what is still queued
  'create unique index messages_campaign_phone on messages (campaign_id, phone)',
  "create index messages_queue on messages (priority, id) where status = 'queued' and lease_owner is null",
  "create index messages_leased on messages (lease_until) where status = 'queued' and lease_owner is not null",
  "create index messages_campaign_queued on messages (campaign_id) where status = 'queued'",
  'create table carrier_ids (channel_id text not null, carrier_id text not null, message_id text not null, part integer not null, primary key (channel_id, carrier_id))',
];

const gate = 2 * BENCH_WINDOW;
const flushMs = 20;
const materialiseBatch = 1000;

interface Sent { id: string; carrierId: string | null; stat: string | null; doneAt: string | null; ackSeq: number | null }

/** Runs the floor against the SMSC on `port`; resolves once every receipt is stored. Returns CPU µs spent in storage. */
function floor(port: number, messages: number, file: string): Promise<number> {
  const store = openSqlite(file);
  const db = store.sqlite!;
  for (const s of schema) db.exec(s);
  const insert = db.prepare("insert into messages (id, campaign_id, phone, text, priority, status, lease_owner, lease_until, attempts) values (?, 'c', ?, ?, 0, 'queued', 'floor', ?, 1) on conflict (campaign_id, phone) do nothing");
  const mark = db.prepare("update messages set submitting = 1 where id = ? and lease_owner = 'floor' and status = 'queued'");
  const submitted = db.prepare("update messages set status = ?, carrier_ids = ?, carrier_stat = ?, submitted_at = ?, done_at = ?, lease_owner = null, lease_until = null, submitting = 0 where id = ? and done_at is null");
  const carrierId = db.prepare("insert into carrier_ids (channel_id, carrier_id, message_id, part) values ('ch', ?, ?, 1)");
  const find = db.prepare("select message_id from carrier_ids where channel_id = 'ch' and carrier_id = ?");
  const receipt = db.prepare("update messages set status = 'delivered', carrier_stat = ?, done_at = ? where id = ? and done_at is null");
  let storageMicros = 0;
  const timed = <T>(fn: () => T): T => {
    const before = process.cpuUsage();
    try { return fn(); } finally { const d = process.cpuUsage(before); storageMicros += d.user + d.system; }
  };

  return new Promise((resolve, reject) => {
    let materialised = 0;
    let queue: number[] = []; // inserted, not yet through the gate
    let open = 0; // marked submitting, not yet written back
    const ready: number[] = []; // marked, waiting for a window slot
    let onWire = 0;
    const bySeq = new Map<number, Sent>();
    const byCarrierId = new Map<string, Sent>();
    let answered: Sent[] = []; // submit answered, not yet written
    let early: Sent[] = []; // answered before the last write, waiting one flush for its receipt
    let receipts: { carrierId: string; stat: string; doneAt: string; seq: number }[] = [];
    let fresh = 0;
    let stored = 0;
    const id = (i: number) => `m${String(i).padStart(9, '0')}`;

    const pump = () => {
      if (queue.length < gate && materialised < messages) {
        const until = new Date(Date.now() + 60_000).toISOString();
        const n = Math.min(materialiseBatch, messages - materialised);
        timed(() => db.transaction(() => { for (let i = materialised; i < materialised + n; i++) insert.run(id(i), benchNumber(i), benchText(i), until); })());
        for (let i = materialised; i < materialised + n; i++) queue.push(i);
        materialised += n;
      }
      const take = Math.min(queue.length, gate - open);
      if (take <= 0) return;
      const through = queue.slice(0, take);
      queue = queue.slice(take);
      timed(() => db.transaction(() => { for (const i of through) mark.run(id(i)); })());
      open += take;
      for (const i of through) ready.push(i);
      fill();
    };
    const fill = () => {
      while (onWire < BENCH_WINDOW && ready.length) {
        const i = ready.shift()!;
        const seq = bind.nextSequence();
        bySeq.set(seq, { id: id(i), carrierId: null, stat: null, doneAt: null, ackSeq: null });
        bind.write(benchSubmit(i, seq));
        onWire++;
      }
    };
    const flush = () => {
      if (!answered.length && !early.length && !receipts.length) return;
      const now = new Date().toISOString();
      const [held, taken, reports] = [answered, early, receipts];
      answered = []; receipts = [];
      // a receipt of a submit still in memory is folded into its write; others are matched through carrier_ids
      const late: typeof reports = [];
      const matched: typeof reports = [];
      for (const r of reports) {
        const s = byCarrierId.get(r.carrierId);
        if (s) { s.stat = r.stat; s.doneAt = r.doneAt; s.ackSeq = r.seq; } else late.push(r);
      }
      const writing = taken;
      early = [];
      for (const s of held) (s.doneAt ? writing : early).push(s);
      timed(() => db.transaction(() => {
        for (const s of writing) {
          submitted.run(s.doneAt ? 'delivered' : 'submitted', s.carrierId, s.stat, now, s.doneAt, s.id);
          if (!s.doneAt) carrierId.run(s.carrierId, s.id);
        }
        for (const r of late) {
          const hit = find.get(r.carrierId) as { message_id: string } | undefined;
          if (hit) { receipt.run(r.stat, r.doneAt, hit.message_id); matched.push(r); } else receipts.push(r); // its submit answer is not in yet
        }
      })());
      for (const s of writing) {
        byCarrierId.delete(s.carrierId!);
        if (s.ackSeq !== null) { bind.write({ commandId: Cmd.deliver_sm_resp, status: 0, sequence: s.ackSeq, messageId: '' }); stored++; }
      }
      for (const r of matched) { bind.write({ commandId: Cmd.deliver_sm_resp, status: 0, sequence: r.seq, messageId: '' }); stored++; }
      open -= writing.length;
      if (stored === messages) {
        clearInterval(timer);
        bind.end();
        setImmediate(() => { store.sqlite!.close(); resolve(storageMicros); });
        return;
      }
      pump();
    };
    const timer = setInterval(flush, flushMs);
    const bind = openBind(port, (p: Pdu) => {
      if (p.commandId === Cmd.submit_sm_resp) {
        if (p.status !== 0) return reject(new Error(`submit refused: ${p.status}`));
        const s = bySeq.get(p.sequence)!;
        bySeq.delete(p.sequence);
        s.carrierId = normaliseId(p.messageId ?? '', 'hex');
        byCarrierId.set(s.carrierId, s);
        answered.push(s);
        onWire--;
        fill();
        if (++fresh * 2 >= gate) { fresh = 0; flush(); }
      } else if (p.commandId === Cmd.deliver_sm) {
        const r = receiptFromPdu(p, 'floor', 'decimal');
        if (!r) return reject(new Error('a deliver_sm without a receipt id'));
        receipts.push({ carrierId: r.carrierId, stat: r.stat, doneAt: (r.doneAt ?? new Date()).toISOString(), seq: p.sequence });
      } else if (p.commandId === Cmd.bind_transceiver_resp) {
        if (p.status !== 0) return reject(new Error(`bind refused: ${p.status}`));
        pump();
      }
    }, reject);
  });
}

/** The 'floor' scenario: its CPU per message split into storage and protocol (the rest: SMPP, ids, receipts, timers). */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-floor-'));
  try {
    let storage = 0;
    const result = await runAgainstSmsc('floor', ctx.messages, () => ctx.reference(), async (smsc) => { storage = await floor(smsc.port, ctx.messages, path.join(dir, 'floor.db')); });
    const storageCpuMicrosPerMessage = Math.round((storage / ctx.messages) * 10) / 10;
    return { ...result, storageCpuMicrosPerMessage, protocolCpuMicrosPerMessage: Math.round((result.cpuMicrosPerMessage - storageCpuMicrosPerMessage) * 10) / 10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
