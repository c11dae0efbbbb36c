import { hostname } from 'node:os';
import type { Deps } from '../deps.ts';
import type { ChannelManager } from './channels.ts';
import type { Effects } from './effects.ts';
import { asSendError } from '../channels/errors.ts';
import { randomToken } from '../domain/ids.ts';
import { claimMessages, recordSubmits, renewLeases, type ClaimedMessage, type Finished, type Requeued, type Submitted } from '../store/repos/messages.ts';
import { setOptOut } from '../store/repos/contacts.ts';

/** Tuning of one dispatcher. */
export interface DispatcherOptions {
  /** Messages claimed per query. */
  batch: number;
  /** Messages submitted but not yet answered, across channels, before claiming more. */
  maxInFlight: number;
  /** How long a claim is held; a crashed worker's messages come back after this. */
  leaseMs: number;
  /** Attempts before a temporarily failing message is marked failed. */
  maxAttempts: number;
  flushMs: number;
}

const defaults: DispatcherOptions = { batch: 2000, maxInFlight: 8000, leaseMs: 120_000, maxAttempts: 8, flushMs: 20 };

/**
 * Claims queued messages with a lease, submits them through their channel keeping every window full, and writes
 * the outcomes back in batches. Temporary failures go back to the queue with backoff; permanent ones fail.
 */
export class Dispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomToken(4)}`;
  private readonly opts: DispatcherOptions;
  private running = false;
  private inFlight = 0;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private submitted: Submitted[] = [];
  private requeued: Requeued[] = [];
  private finished: Finished[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Deps, private readonly channels: ChannelManager, private readonly effects: Effects, opts: Partial<DispatcherOptions> = {}) {
    this.opts = { ...defaults, ...opts };
  }

  /** Starts claiming and sending. */
  start(): void {
    this.running = true;
    this.flushTimer = setInterval(() => { void this.flush(); }, this.opts.flushMs);
    this.renewTimer = setInterval(() => {
      if (this.inFlight === 0) return;
      renewLeases(this.deps.store.db, this.owner, this.later(this.opts.leaseMs)).catch((err) => this.deps.log.error({ err }, 'renewing leases failed'));
    }, this.opts.leaseMs / 3);
    this.loop = this.run();
  }

  /** Wakes the loop now (new messages were queued in this process). */
  poke(): void {
    this.wake?.();
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
      const room = opts.maxInFlight - this.inFlight;
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
      for (const m of claimed) this.submit(m);
      if (claimed.length < Math.min(opts.batch, room) / 2) await this.sleep(claimed.length ? 10 : 100);
    }
  }

  private submit(m: ClaimedMessage): void {
    const channel = this.channels.get(m.channelId);
    if (!channel) { this.requeued.push({ id: m.id, notBefore: this.later(5000), error: 'channel not running on this worker' }); return; }
    this.inFlight++;
    channel.submit({ id: m.id, from: m.sender ?? '', to: m.phone, text: m.text }).then(
      (r) => { this.submitted.push({ id: m.id, channelId: m.channelId, carrierIds: r.carrierIds, at: this.deps.now().toISOString() }); },
      (e: unknown) => this.failed(m, e),
    ).finally(() => {
      this.inFlight--;
      if (this.inFlight < this.opts.maxInFlight / 2) this.wake?.();
    });
  }

  private later(ms: number): string {
    return new Date(this.deps.now().getTime() + ms).toISOString();
  }

  private failed(m: ClaimedMessage, e: unknown): void {
    const err = asSendError(e);
    const text = err.code ? `${err.kind} ${err.code}: ${err.message}` : `${err.kind}: ${err.message}`;
    const at = this.deps.now().toISOString();
    if (err.kind === 'permanent') this.finished.push({ id: m.id, status: 'rejected', error: text, at });
    else if (err.kind === 'opted-out') {
      this.finished.push({ id: m.id, status: 'excluded', error: text, at });
      setOptOut(this.deps.store.db, m.tenantId, m.phone, { at, channel: 'carrier' }).catch((x) => this.deps.log.warn({ err: x }, 'recording a carrier opt-out failed'));
    } else if (m.attempts >= this.opts.maxAttempts) this.finished.push({ id: m.id, status: 'failed', error: `gave up after ${m.attempts} attempts: ${text}`, at });
    else this.requeued.push({ id: m.id, notBefore: this.later(Math.min(300_000, 1000 * 2 ** m.attempts)), error: text });
  }

  /** Writes buffered outcomes in one transaction and hands finished messages to the effects. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.submitted.length && !this.requeued.length && !this.finished.length) return;
      const [s, r, f] = [this.submitted, this.requeued, this.finished];
      this.submitted = []; this.requeued = []; this.finished = [];
      try {
        const effects = await recordSubmits(this.deps.store, s, r, f);
        this.effects.submitted(s.length);
        if (effects.length) await this.effects.finished(effects).catch((e) => this.deps.log.error({ err: e }, 'after-effects of submits failed'));
      } catch (err) {
        // Nothing is lost: the leases run out and the messages are claimed again.
        this.deps.log.error({ err, submitted: s.length }, 'recording submits failed');
      }
    });
    return this.flushing;
  }

  /** Stops claiming, waits for in-flight submits to settle, and writes the last outcomes. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + 30_000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.flush();
  }
}
