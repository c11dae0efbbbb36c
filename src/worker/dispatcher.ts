import type { Deps } from '../deps.ts';
import type { ChannelManager } from './channels.ts';
import type { Effects } from './effects.ts';
import type { ReceiptWriter } from './receipts.ts';
import type { ChannelLogEntry, SubmitResult } from '../channels/channel.ts';
import { asSendError, retryable } from '../channels/errors.ts';
import {
  claimMessages, markSubmitting, recordOutcomes, releaseLeases, renewLeases, type ClaimedMessage, type Finished, type ReceiptUpdate, type Requeued, type Submitted,
} from '../store/repos/messages.ts';
import { setOptOut } from '../store/repos/contacts.ts';
import { IsoTimes } from './iso-times.ts';
import { newNodeName } from './node-name.ts';

/** Tuning of one dispatcher. */
export interface DispatcherOptions {
  /** Messages claimed per query. */
  batch: number;
  /** Messages claimed (or handed over) and not yet written back, across channels, before claiming more. */
  maxInFlight: number;
  /**
   * Windows' worth of messages per channel that may be marked submitting and not yet written back (the crash bound:
   * after a kill at most this many times the window of this node's binds is sent again). 2: one window on the wire
   * while the outcomes of the one before are written.
   */
  windows: number;
  /** How long a claim is held; a crashed worker's messages come back after this. */
  leaseMs: number;
  /** Attempts before a temporarily failing message is marked failed. */
  maxAttempts: number;
  /** How often outcomes, reports and carrier log lines are written. */
  flushMs: number;
}

const defaults: DispatcherOptions = { batch: 2000, maxInFlight: 8000, windows: 2, leaseMs: 120_000, maxAttempts: 8, flushMs: 20 };

/** A submit the carrier accepted, waiting to be written; reports of its parts that arrive meanwhile are folded in. */
interface Accepted extends Submitted { m: ClaimedMessage; reported: boolean; flushes: number }

/**
 * The admission gate of one channel: claimed messages waiting for it, and how many are open, i.e. marked submitting
 * and not yet written back (on the wire, answered, or being written); `fresh` of those were answered since the last write.
 */
interface Gate { waiting: ClaimedMessage[]; open: number; fresh: number }

/**
 * Claims queued messages with a lease (or takes messages materialised already leased to it), submits them through
 * their channel keeping every window full, and writes outcomes, delivery reports and carrier log lines back in one
 * transaction per flush. A report that arrives before its submit is written is folded into that write, so a message
 * reported at once is written once. Temporary failures go back to the queue with backoff; permanent ones fail.
 *
 * Crash bound: a message reaches its channel only through the channel's gate, after a write marked it submitting;
 * the gate lets at most `windows` × the window of this node's binds be open (marked and not yet written back), so a
 * kill -9 re-sends at most that many and `resubmitted` counts only those.
 */
export class Dispatcher {
  readonly owner = newNodeName();
  readonly opts: DispatcherOptions;
  private running = false;
  /** Messages claimed or handed over and not yet written back (waiting at a gate, open, or being written). */
  private held = 0;
  /** Messages handed to a channel and not yet answered. */
  private onWire = 0;
  private readonly gates = new Map<string, Gate>();
  /** Ids of the messages held: a lease of its own that lapsed and was claimed again is not taken (and sent) twice. */
  private readonly holding = new Set<string>();
  /** The mark write under way, and whether another pass of the gates is due after it. */
  private marking: Promise<void> | null = null;
  private pumpAgain = false;
  /** A flush is queued behind the one running (at most one is). */
  private flushQueued = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** The last claim found fewer messages than it asked for: the loop polls (or waits for a poke), not woken by every settled submit. */
  private drained = false;
  private accepted: Accepted[] = [];
  /** The accepted submits by channel id and carrier id of each part, for folding reports in. */
  private byCarrierId = new Map<string, Map<string, Accepted>>();
  private requeued: Requeued[] = [];
  private finished: Finished[] = [];
  /** The channels of the failed messages (requeued or finished) that passed a gate, until their outcome is written. */
  private failedGated: ClaimedMessage[] = [];
  /** Carrier log lines per message id, until its outcome is written. */
  private logs = new Map<string, string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private receipts: ReceiptWriter | null = null;
  private readonly acceptedAt = new IsoTimes();
  private readonly loggedAt = new IsoTimes();

  constructor(private readonly deps: Deps, private readonly channels: ChannelManager, private readonly effects: Effects, opts: Partial<DispatcherOptions> = {}) {
    this.opts = { ...defaults, ...opts };
  }

  /** Where delivery reports wait for the next flush. */
  readFrom(receipts: ReceiptWriter): void {
    this.receipts = receipts;
  }

  /** Starts claiming and sending. */
  start(): void {
    this.running = true;
    this.flushTimer = setInterval(() => this.flushSoon(), this.opts.flushMs);
    // one renewal at a time: on a slow database renewals that overlap wait on each other's row locks, and the writes of outcomes behind them
    let renewing = false;
    this.renewTimer = setInterval(() => {
      if (this.held === 0 || renewing) return;
      renewing = true;
      renewLeases(this.deps.store.db, this.owner, this.later(this.opts.leaseMs))
        .catch((err) => this.deps.log.error({ err }, 'renewing leases failed'))
        .finally(() => { renewing = false; });
    }, this.opts.leaseMs / 3);
    this.loop = this.run();
  }

  /** Wakes the loop now (new messages were queued in this process). */
  poke(): void {
    this.drained = false;
    this.wake?.();
  }

  /** How many more messages this dispatcher takes now (claimed or handed over). */
  room(): number {
    return this.running ? this.opts.maxInFlight - this.held : 0;
  }

  /** Ids of the channels this dispatcher can submit to now. */
  upChannels(): Set<string> {
    return new Set(this.channels.upIds());
  }

  /**
   * Takes messages stored already leased to this.owner (materialised for it) and submits them. Once stopping, it gives
   * their leases back instead: a submit now could outlive the last write of outcomes and be sent again by another worker.
   */
  hand(messages: ClaimedMessage[]): void {
    if (!this.running) {
      if (messages.length) {
        releaseLeases(this.deps.store.db, this.owner, messages.map((m) => m.id))
          .catch((err) => this.deps.log.warn({ err }, 'giving back leases failed; they run out instead'));
      }
      return;
    }
    this.admit(messages);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(t); this.wake = null; resolve(); };
    });
  }

  private async run(): Promise<void> {
    const { deps, opts } = this;
    while (this.running) {
      const room = opts.maxInFlight - this.held;
      const up = this.channels.upIds();
      if (room < opts.batch / 2 || !up.length) { await this.sleep(up.length ? 5 : 200); continue; }
      let claimed: ClaimedMessage[];
      try {
        const now = deps.now();
        claimed = await claimMessages(deps.store, this.owner, up, Math.min(opts.batch, room), now.toISOString(), new Date(now.getTime() + opts.leaseMs).toISOString());
      } catch (err) {
        deps.log.error({ err }, 'claiming messages failed');
        await this.sleep(1000);
        continue;
      }
      this.admit(claimed);
      this.drained = claimed.length < Math.min(opts.batch, room);
      if (claimed.length < Math.min(opts.batch, room) / 2) await this.sleep(claimed.length ? 10 : 100);
    }
  }

  /** Queues claimed messages at their channel's gate and lets through what fits. */
  private admit(messages: ClaimedMessage[]): void {
    for (const m of messages) {
      if (this.holding.has(m.id)) continue;
      this.holding.add(m.id);
      let gate = this.gates.get(m.channelId);
      if (!gate) this.gates.set(m.channelId, gate = { waiting: [], open: 0, fresh: 0 });
      gate.waiting.push(m);
      this.held++;
    }
    this.pump();
  }

  /** How many messages of a channel may be open at once on this node. */
  private limit(channelId: string): number {
    return Math.max(1, this.opts.windows * this.channels.windowOf(channelId));
  }

  /**
   * Takes from every gate what fits under its limit, marks those messages submitting in one write, then hands them to
   * their channels (a message whose lease another worker took meanwhile is dropped, not sent). One mark at a time.
   */
  private pump(): void {
    if (!this.running) return;
    if (this.marking) { this.pumpAgain = true; return; }
    const taken: ClaimedMessage[] = [];
    for (const [channelId, gate] of this.gates) {
      if (!gate.waiting.length) continue;
      if (!this.channels.get(channelId)) {
        for (const m of gate.waiting) {
          this.requeued.push({ id: m.id, notBefore: this.later(5000), error: 'channel not running on this worker', log: null });
          this.holding.delete(m.id);
        }
        this.held -= gate.waiting.length;
        gate.waiting = [];
        continue;
      }
      const n = Math.min(gate.waiting.length, this.limit(channelId) - gate.open);
      if (n <= 0) continue;
      gate.open += n;
      for (const m of gate.waiting.splice(0, n)) taken.push(m);
    }
    if (!taken.length) return;
    this.marking = markSubmitting(this.deps.store, this.owner, taken.map((m) => m.id), this.later(this.opts.leaseMs)).then((marked) => {
      for (const m of taken) {
        if (marked.has(m.id)) { this.submit(m); continue; }
        this.gates.get(m.channelId)!.open--;
        this.held--;
        this.holding.delete(m.id);
      }
    }, (err: unknown) => {
      this.deps.log.error({ err, messages: taken.length }, 'marking messages submitting failed; trying again');
      for (let i = taken.length - 1; i >= 0; i--) {
        const gate = this.gates.get(taken[i].channelId)!;
        gate.open--;
        gate.waiting.unshift(taken[i]);
      }
      return new Promise<void>((resolve) => setTimeout(() => { this.pumpAgain = true; resolve(); }, 1000));
    }).finally(() => {
      this.marking = null;
      if (this.pumpAgain) { this.pumpAgain = false; this.pump(); }
    });
  }

  private submit(m: ClaimedMessage): void {
    const channel = this.channels.get(m.channelId);
    this.onWire++;
    if (!channel) { this.settled(m, null, retryable('channel not running on this worker')); return; }
    channel.submit({ id: m.id, from: m.sender ?? '', to: m.phone, text: m.text, linkId: m.linkId ?? undefined }).then((r) => this.settled(m, r, null), (e: unknown) => this.settled(m, null, e));
  }

  private settled(m: ClaimedMessage, r: SubmitResult | null, e: unknown): void {
    this.onWire--;
    if (r) {
      const a: Accepted = {
        id: m.id, channelId: m.channelId, carrierIds: r.carrierIds, at: this.acceptedAt.of(this.deps.now()), contactId: m.contactId, status: 'submitted', partsDone: 0,
        stat: null, err: null, doneAt: null, log: null, effect: null, m, reported: false, flushes: 0,
      };
      this.accepted.push(a);
      this.track(a);
    } else {
      this.failed(m, e);
      this.failedGated.push(m);
    }
    // half the gate answered since the last write: write now, so the gate opens while the other half is on the wire
    const gate = this.gates.get(m.channelId)!;
    if (++gate.fresh * 2 >= this.limit(m.channelId)) { gate.fresh = 0; this.flushSoon(); }
  }

  /** Indexes an accepted submit by the carrier ids of its parts, for folding reports in. */
  private track(a: Accepted): void {
    let ids = this.byCarrierId.get(a.channelId);
    if (!ids) this.byCarrierId.set(a.channelId, ids = new Map());
    for (const c of a.carrierIds) ids.set(c, a);
  }

  private later(ms: number): string {
    return new Date(this.deps.now().getTime() + ms).toISOString();
  }

  private failed(m: ClaimedMessage, e: unknown): void {
    const err = asSendError(e);
    const text = err.code ? `${err.kind} ${err.code}: ${err.message}` : `${err.kind}: ${err.message}`;
    const at = this.deps.now().toISOString();
    if (err.kind === 'permanent') this.finished.push({ id: m.id, status: 'rejected', error: text, at, log: null });
    else if (err.kind === 'opted-out') {
      this.finished.push({ id: m.id, status: 'excluded', error: text, at, log: null });
      setOptOut(this.deps.store.db, m.tenantId, m.phone, { at, channel: 'carrier' }).catch((x) => this.deps.log.warn({ err: x }, 'recording a carrier opt-out failed'));
    } else if (m.attempts >= this.opts.maxAttempts) this.finished.push({ id: m.id, status: 'failed', error: `gave up after ${m.attempts} attempts: ${text}`, at, log: null });
    else this.requeued.push({ id: m.id, notBefore: this.later(Math.min(300_000, 1000 * 2 ** m.attempts)), error: text, log: null });
  }

  /** Takes a carrier log line of a message; written with the message's next outcome. */
  log(e: ChannelLogEntry): void {
    const line = `${this.loggedAt.of(e.at)} ${e.direction === 'out' ? '→' : '←'} ${e.summary}`;
    const lines = this.logs.get(e.messageId);
    this.logs.set(e.messageId, lines === undefined ? line : `${lines}\n${line}`);
  }

  /**
   * Writes buffered outcomes, the reports waiting in the receipt writer and carrier log lines in one transaction,
   * then hands finished messages to the effects. A submit with no report yet waits one flush (unless `all`), so that
   * a report arriving right behind it is written in the same update.
   */
  flush(all = false): Promise<void> {
    this.flushing = this.flushing.then(() => this.write(all)).catch((err) => this.deps.log.error({ err }, 'flushing outcomes failed'));
    return this.flushing;
  }

  /** Queues a flush behind the one running, unless one is queued already. */
  private flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.flushing = this.flushing.then(() => { this.flushQueued = false; return this.write(false); }).catch((err) => this.deps.log.error({ err }, 'flushing outcomes failed'));
  }

  private async write(all: boolean): Promise<void> {
    const batch = this.receipts?.take() ?? { receipts: [], stored: [] };
    if (!this.accepted.length && !this.requeued.length && !this.finished.length && !batch.receipts.length) return;
    const unmatched = this.fold(batch.receipts);
    const submitted: Accepted[] = [];
    const later: Accepted[] = [];
    for (const a of this.accepted) {
      if (!all && !a.reported && a.flushes++ === 0) later.push(a);
      else {
        submitted.push(a);
        const ids = this.byCarrierId.get(a.channelId)!;
        for (const c of a.carrierIds) if (ids.get(c) === a) ids.delete(c);
      }
    }
    const [requeued, finished, failedGated] = [this.requeued, this.finished, this.failedGated];
    this.accepted = later; this.requeued = []; this.finished = []; this.failedGated = [];
    for (const x of submitted) x.log = this.takeLog(x.id);
    for (const x of requeued) x.log = this.takeLog(x.id);
    for (const x of finished) x.log = this.takeLog(x.id);
    let effects;
    try {
      effects = await recordOutcomes(this.deps.store, { submitted, requeued, finished, receipts: unmatched });
    } catch (err) {
      // Nothing of it was written: it is written again with the next flush, and the gates stay closed meanwhile.
      this.deps.log.error({ err, submitted: submitted.length, receipts: batch.receipts.length }, 'recording outcomes failed');
      for (const a of submitted) { this.restoreLog(a); this.track(a); }
      for (const x of [...requeued, ...finished]) this.restoreLog(x);
      this.accepted = submitted.concat(this.accepted);
      this.requeued = requeued.concat(this.requeued); this.finished = finished.concat(this.finished); this.failedGated = failedGated.concat(this.failedGated);
      this.receipts?.restore(batch);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return;
    }
    for (const done of batch.stored) done();
    this.release(submitted.map((a) => a.m).concat(failedGated));
    this.effects.submitted(submitted.length);
    if (effects.length) await this.effects.finished(effects).catch((e) => this.deps.log.error({ err: e }, 'after-effects of outcomes failed'));
  }

  /** Closes the written messages' places at their gates and lets more through; wakes the claim loop when room opened. */
  private release(written: ClaimedMessage[]): void {
    if (!written.length) return;
    for (const m of written) {
      this.gates.get(m.channelId)!.open--;
      this.holding.delete(m.id);
    }
    this.held -= written.length;
    this.pump();
    if (this.held < this.opts.maxInFlight / 2 && !this.drained) this.wake?.();
  }

  /** Puts the carrier log lines of an outcome that could not be written back in front of lines logged since. */
  private restoreLog(x: { id: string; log: string | null }): void {
    if (x.log === null) return;
    const since = this.logs.get(x.id);
    this.logs.set(x.id, since === undefined ? x.log : `${x.log}\n${since}`);
    x.log = null;
  }

  private takeLog(id: string): string | null {
    const lines = this.logs.get(id);
    if (lines === undefined) return null;
    this.logs.delete(id);
    return lines;
  }

  /**
   * Folds reports into the accepted submits of their parts (the status is the worst of the parts' final reports, and
   * the message is done when every part reported); returns the reports of messages written earlier.
   */
  private fold(receipts: ReceiptUpdate[]): ReceiptUpdate[] {
    if (!receipts.length || !this.accepted.length) return receipts;
    const unmatched: ReceiptUpdate[] = [];
    for (const r of receipts) {
      const a = this.byCarrierId.get(r.channelId)?.get(r.carrierId);
      if (!a || a.doneAt !== null) { unmatched.push(r); continue; }
      a.reported = true;
      a.stat = r.stat;
      if (r.status === 'submitted') continue;
      a.partsDone++;
      if (a.status === 'submitted' || (a.status === 'delivered' && r.status !== 'delivered')) a.status = r.status;
      a.err = r.err;
      if (a.partsDone >= a.m.segments) {
        a.doneAt = r.doneAt ?? r.receivedAt;
        const m = a.m;
        a.effect = { id: m.id, tenantId: m.tenantId, campaignId: m.campaignId, phone: m.phone, status: a.status, price: m.price, segments: m.segments, error: null, stat: a.stat, doneAt: a.doneAt, final: true };
      }
    }
    return unmatched;
  }

  /** Stops claiming, gives back the leases of messages still at a gate, waits for submits on the wire, writes the last outcomes. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.marking;
    const unsent: string[] = [];
    for (const gate of this.gates.values()) {
      for (const m of gate.waiting) { unsent.push(m.id); this.holding.delete(m.id); }
      this.held -= gate.waiting.length;
      gate.waiting = [];
    }
    if (unsent.length) await releaseLeases(this.deps.store.db, this.owner, unsent).catch((err) => this.deps.log.warn({ err }, 'giving back leases failed; they run out instead'));
    const deadline = Date.now() + 30_000;
    while (this.onWire > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.flush(true);
  }
}
