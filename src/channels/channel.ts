// The one interface every carrier connection implements; the dispatcher codes against it alone.
import type { EventEmitter } from 'node:events';

/** One message to send: the channel splits it into parts itself. */
export interface OutboundMessage {
  /** Our message id, stable across retries. */
  id: string;
  /** Sender / service number; '' = the channel default. */
  from: string;
  /** E.164 with or without '+'. */
  to: string;
  text: string;
  /** Ask for a delivery receipt (default true). */
  registeredDelivery?: boolean;
  /** LinkID of an on-demand (点播) reply: the one of the MO it answers (CMPP 3.0 LinkID, SMGP TLV 0x0003); else the channel's. */
  linkId?: string;
}

/** What the carrier accepted: one normalised carrier id per part. */
export interface SubmitResult {
  carrierIds: string[];
  segments: number;
}

/** Final or intermediate delivery status reported by the carrier; `submitted` = intermediate (ENROUTE, ACCEPTD). */
export type ReceiptStatus = 'delivered' | 'undelivered' | 'expired' | 'rejected' | 'failed' | 'submitted';

/** A delivery report, matched later on (channel, carrierId). */
export interface Receipt {
  channel: string;
  /** Normalised per the channel's idFormat. */
  carrierId: string;
  status: ReceiptStatus;
  /** The carrier's own stat word, e.g. DELIVRD. */
  stat: string;
  err: string | null;
  doneAt: Date | null;
  raw: string;
}

/** A mobile-originated message, already reassembled from its parts. */
export interface InboundMessage {
  channel: string;
  from: string;
  to: string;
  text: string;
  receivedAt: Date;
  dataCoding: number;
  /** Parts that arrived; fewer than announced when `incomplete`. */
  parts: number;
  /** Set when reassembly timed out before every part arrived. */
  incomplete?: boolean;
  /** The octets as received (hex), set only when they did not decode in their coding (`text` has U+FFFD where they failed). */
  raw?: string;
  /** The gateway's LinkID of this MO (CMPP 3.0, SMGP), which a reply to it must carry. */
  linkId?: string;
}

/** One part of a long (concatenated) inbound message, for a sink that joins the parts itself. */
export interface InboundPart {
  channel: string;
  from: string;
  to: string;
  /** The carrier's reference: with from, to and total, it says which parts belong together. */
  ref: number;
  total: number;
  seq: number;
  text: string;
  dataCoding: number;
  receivedAt: Date;
  /** How long to wait for the missing parts before storing what arrived, marked incomplete. */
  timeoutMs: number;
  /** The part's octets as received (hex, UDH excluded), from protocols that can carry undecodable text (CMPP, SGIP, SMGP). */
  octets?: string;
  /** Set (the part's octets, hex) when they did not decode in their coding, as InboundMessage.raw: the joined message then keeps every part's octets. */
  raw?: string;
  /** The gateway's LinkID of the MO (CMPP 3.0, SMGP). */
  linkId?: string;
}

/** Connection health of a channel across its binds. */
export type ChannelState = {
  state: 'connecting' | 'bound' | 'down' | 'stopped';
  reason?: string;
  binds: number;
  boundBinds: number;
};

/** Monotonic counters since start (inFlight is a gauge of parts awaiting a response). */
export interface ChannelCounters {
  submitted: number;
  submitFailed: number;
  throttled: number;
  receipts: number;
  inbound: number;
  reconnects: number;
  inFlight: number;
}

/** Per-message carrier log line (secrets redacted). */
export interface ChannelLogEntry {
  messageId: string;
  at: Date;
  direction: 'out' | 'in';
  summary: string;
}

/**
 * Where a channel hands receipts and inbound messages when they must be durable: the channel acknowledges them
 * to the carrier only once the promise resolves, and asks the carrier to retry when it rejects.
 */
export interface ChannelSink {
  receipt(r: Receipt): Promise<void>;
  inbound(m: InboundMessage): Promise<void>;
  /**
   * Stores one part of a long inbound message; when a sink has it, each part is acknowledged once stored and the sink
   * joins the parts (durably, whichever bind or node they arrive on). Without it the channel joins them in memory.
   */
  part?(p: InboundPart): Promise<void>;
}

/** A carrier connection: binds, submits with backpressure, reports receipts and inbound messages. */
export interface Channel extends EventEmitter {
  readonly name: string;
  readonly type: string;
  /** Begins binding; resolves when the first bind is up, rejects with a SendError (channel 'down') when none could bind.
   *  Attach 'receipt'/'inbound' listeners before: the SMSC may deliver queued reports right after the bind. */
  start(): Promise<void>;
  /** Sends every part; waits for window/TPS capacity; rejects only with SendError. */
  submit(msg: OutboundMessage): Promise<SubmitResult>;
  state(): ChannelState;
  counters(): ChannelCounters;
  /** Hands receipts and inbound messages to `sink` (acknowledged after it resolves) instead of emitting them; call before start(). */
  setSink(sink: ChannelSink): void;
  /** Drains in-flight parts, unbinds, closes. */
  stop(): Promise<void>;
  /** Optional: changes the number of binds and the TPS in place (removed binds drain and unbind first; the others stay). */
  resize?(binds: number, tps: number): Promise<void>;
  on(event: 'receipt', fn: (r: Receipt) => void): this;
  on(event: 'inbound', fn: (m: InboundMessage) => void): this;
  on(event: 'state', fn: (s: ChannelState) => void): this;
  on(event: 'log', fn: (e: ChannelLogEntry) => void): this;
}
