// Virtual carrier settings: accounts, id rendering, receipt outcomes and delay, per-number rules, faults.
import type { ConcatMode } from '../smpp/message.ts';

/** A final outcome the virtual handset reports. */
export type Outcome = 'delivered' | 'undelivered' | 'expired' | 'rejected' | 'deleted' | 'unknown';

/** The stat word of each outcome in receipt text. */
export const OUTCOME_STAT: Record<Outcome, string> = {
  delivered: 'DELIVRD',
  undelivered: 'UNDELIV',
  expired: 'EXPIRED',
  rejected: 'REJECTD',
  deleted: 'DELETED',
  unknown: 'UNKNOWN',
};

/** How the SMSC renders message ids: radix, zero padding to a width, upper-case hex. */
export interface IdStyle {
  radix: 10 | 16;
  pad?: number;
  upper?: boolean;
}

/** A rule by destination number: a fixed outcome, or a refusal at submit with this command_status. */
export interface NumberRule {
  suffix?: string;
  prefix?: string;
  outcome?: Outcome;
  submitStatus?: number;
}

/** Everything the simulator can be told (all optional). */
export interface SimulatorConfig {
  /** Accepted credentials; empty = accept any system_id/password. */
  accounts: { systemId: string; password: string }[];
  idStyle: IdStyle;
  /** Rendering of ids in receipts (text and receipted_message_id); defaults to idStyle. */
  receiptIdStyle?: IdStyle;
  /** First message id issued (ids count up from here). */
  firstId: number;
  receiptDelayMs: number;
  /** Outcome weights, e.g. { delivered: 0.95, undelivered: 0.03, expired: 0.02 }. */
  outcomes: Partial<Record<Outcome, number>>;
  rules: NumberRule[];
  /** Answer ESME_RTHROTTLED above this many submits per second (0 = never). */
  throttleTps: number;
  /** Answer ESME_RTHROTTLED to every Nth submit (0 = never). */
  throttleEvery: number;
  /** Drop the connection on every Nth submit, before answering it (0 = never). */
  dropEvery: number;
  /** Do not answer submits at all (for timeout tests). */
  silent: boolean;
  /** Add receipted_message_id / message_state / network_error_code TLVs to receipts. */
  receiptTlvs: boolean;
  /** Keep each handset's inbox (off for benchmarks: it holds every text). */
  keepInbox: boolean;
  /** Concatenation of long MO messages. */
  moConcat: ConcatMode;
  reassemblyTimeoutMs: number;
  /** Seed of the outcome dice (deterministic runs). */
  seed: number;
}

/** Defaults: one account tidings/secret, hex ids, receipts after 10 ms, everything delivered. */
export const DEFAULT_SIMULATOR_CONFIG: SimulatorConfig = {
  accounts: [{ systemId: 'tidings', password: 'secret' }],
  idStyle: { radix: 16 },
  firstId: 0x10000000,
  receiptDelayMs: 10,
  outcomes: { delivered: 1 },
  rules: [],
  throttleTps: 0,
  throttleEvery: 0,
  dropEvery: 0,
  silent: false,
  receiptTlvs: true,
  keepInbox: true,
  moConcat: 'udh8',
  reassemblyTimeoutMs: 30_000,
  seed: 1,
};

/** Renders an id in a style. */
export function renderId(id: number, style: IdStyle): string {
  let s = id.toString(style.radix);
  if (style.upper) s = s.toUpperCase();
  return style.pad ? s.padStart(style.pad, '0') : s;
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an outcome by weight. */
export function pickOutcome(weights: Partial<Record<Outcome, number>>, random: () => number): Outcome {
  // for…in, not Object.entries: no arrays made per submit (the same order: the object's own keys as inserted)
  let total = 0;
  for (const outcome in weights) total += weights[outcome as Outcome] ?? 0;
  let r = random() * total;
  for (const outcome in weights) {
    r -= weights[outcome as Outcome] ?? 0;
    if (r < 0) return outcome as Outcome;
  }
  return 'delivered';
}
