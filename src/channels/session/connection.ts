// One TCP connection speaking a length-prefixed binary protocol: framing, sequence numbers, the window
// with response timers, keepalive and dead-peer detection, batched writes. Protocol-agnostic.
import net from 'node:net';
import { retryable } from '../errors.ts';
import { Framer } from './framer.ts';
import { PduError } from './pdu-error.ts';
import type { WireProtocol } from './protocol.ts';
import { Sequence } from './sequence.ts';
import { Window, type ResponseHandler } from './window.ts';

/** Size of the write buffers PDUs are encoded into (a turn's worth of PDUs at full load). */
const WRITE_CHUNK = 64 * 1024;

/** Octets queued that are worth a write of their own before the end of a chunk of input (eagerWrites). */
const EAGER_WRITE_MIN = 2048;

/** Kinds of a run of frames within a chunk of input. */
const NONE = 0;
const RESPONSES = 1;
const REQUESTS = 2;

/** Timing and window settings of a connection. */
export interface ConnectionOptions {
  window: number;
  responseTimeoutMs: number;
  /** Idle time after which a keepalive is sent; 0 = none. */
  keepaliveMs: number;
  /**
   * Keepalives left unanswered in a row (each within responseTimeoutMs) before the peer is taken for dead and the
   * connection closed (CMPP gateways expect N = 3); default 1. Any frame from the peer resets the count.
   */
  keepaliveMisses?: number;
  /**
   * Pipelining for a client keeping a window full: what handling input queues is written as soon as a run of
   * responses or of requests in a chunk of input is handled (a window refill then does not wait for the receipts
   * behind it, nor for this turn's promise continuations), instead of once per event-loop turn. More writes of fewer
   * octets: a server answering a window in bulk (the simulator) is better off without it.
   */
  eagerWrites?: boolean;
  connectTimeoutMs?: number;
}

/** Callbacks the owner of a connection provides (plain functions: this is the hot path). */
export interface ConnectionHandlers<P> {
  /** A request from the peer (the owner answers it with send()). */
  onRequest(pdu: P): void;
  /** Optional hot path: a frame, octets [start, end) of `buf`, before it is decoded; true when the owner dealt with it from its octets, false to have it decoded as usual. */
  onFrame?(buf: Buffer, start: number, end: number): boolean;
  /** A PDU that could not be decoded but left the stream intact. */
  onBadPdu(err: PduError): void;
  /** Optional: bytes that broke the framing (the connection closes right after; a last answer may go out with writeRaw). */
  onFatalPdu?(err: PduError): void;
  /** A window slot became free. */
  onFree(): void;
  /** A response that no request of ours was waiting for (e.g. to a fire-and-forget send). */
  onUnmatchedResponse?(pdu: P): void;
  /** The connection ended (once). */
  onClose(reason: string): void;
}

/** A live connection; requests resolve with their response or reject with a retryable SendError. */
export class Connection<P> {
  readonly window: Window<P>;
  private readonly framer: Framer;
  private readonly sequence: Sequence;
  /** Octets ready for this turn's write that are not in `chunk` (a full chunk, or a PDU encoded on its own). */
  private out: Buffer[] = [];
  /** The write buffer PDUs are encoded into: [written, used) goes out with the next flush, the rest is free. */
  private chunk: Buffer | null = null;
  private written = 0;
  private used = 0;
  private flushScheduled = false;
  /** The kind of the frames just handled in this chunk of input (NONE before the first). */
  private run = NONE;
  private lastRx = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private keepaliveOut = false;
  /** Keepalives that timed out since the peer last sent anything. */
  private missedKeepalives = 0;
  private closeReason: string | null = null;
  /** Resolves with the reason once the connection has ended. */
  readonly closed: Promise<string>;
  private resolveClosed!: (reason: string) => void;
  private readonly handlers: ConnectionHandlers<P>;
  private readonly eager: boolean;

  constructor(
    private readonly socket: net.Socket,
    private readonly protocol: WireProtocol<P>,
    private readonly options: ConnectionOptions,
    makeHandlers: (connection: Connection<P>) => ConnectionHandlers<P>,
  ) {
    this.handlers = makeHandlers(this);
    this.eager = options.eagerWrites === true;
    this.window = new Window<P>(options.window, options.responseTimeoutMs);
    this.framer = new Framer(protocol.minLength, protocol.maxLength);
    this.sequence = new Sequence(1, protocol.maxSequence);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('connection closed by peer'));
    const tick = Math.max(20, Math.min(1000, options.responseTimeoutMs / 4, options.keepaliveMs || Infinity));
    this.timer = setInterval(() => this.onTick(), tick);
    this.timer.unref();
  }

  /** Connects over TCP; rejects with a retryable SendError when the host cannot be reached in time. */
  static open<P>(
    host: string,
    port: number,
    protocol: WireProtocol<P>,
    options: ConnectionOptions,
    makeHandlers: (connection: Connection<P>) => ConnectionHandlers<P>,
  ): Promise<Connection<P>> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timeout = setTimeout(() => {
        socket.destroy();
        reject(retryable(`connect to ${host}:${port} timed out`, 'connect'));
      }, options.connectTimeoutMs ?? 5000);
      socket.once('error', (err) => {
        clearTimeout(timeout);
        reject(retryable(`connect to ${host}:${port} failed: ${err.message}`, 'connect'));
      });
      socket.once('connect', () => {
        clearTimeout(timeout);
        socket.removeAllListeners('error');
        resolve(new Connection(socket, protocol, options, makeHandlers));
      });
    });
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.closeReason !== null;
  }

  /** Why it closed, if it did. */
  get reason(): string | null {
    return this.closeReason;
  }

  /** Free window slots. */
  get free(): number {
    return this.closeReason === null ? this.window.free : 0;
  }

  /** The next sequence number, for requests sent with send() whose responses come to onUnmatchedResponse. */
  nextSequence(): number {
    return this.sequence.next();
  }

  /** The handler of the request in flight with this sequence, left in place (for an owner reading a response from its octets), or undefined. */
  waiting(sequence: number): ResponseHandler<P> | undefined {
    return this.window.waiting(sequence);
  }

  /** Removes the request with this sequence, whose response its owner read from the octets and handles itself; true when that freed a counted slot (onFree is not called). */
  release(sequence: number): boolean {
    return this.window.release(sequence);
  }

  /** Sends a request built with the next sequence number; resolves with the peer's response. */
  request(build: (sequence: number) => P, counted = true): Promise<P> {
    if (this.closeReason !== null) return Promise.reject(retryable(`connection closed: ${this.closeReason}`, 'closed'));
    const seq = this.sequence.next();
    const pdu = build(seq);
    const response = this.window.add(seq, counted, Date.now());
    this.send(pdu);
    return response;
  }

  /**
   * The hot-path form of request(): `pdu` already carries a sequence number from nextSequence(); its response (or
   * the timeout, or the connection's end) goes to `handler`, synchronously, with no promise in between. A PDU the
   * codec cannot encode throws its PduError before anything is registered or queued.
   */
  requestWith(pdu: P, handler: ResponseHandler<P>, counted = true): void {
    if (this.closeReason !== null) return handler.onError(retryable(`connection closed: ${this.closeReason}`, 'closed'));
    this.queue(pdu);
    this.window.track(this.protocol.sequenceOf(pdu), handler, counted, Date.now());
  }

  /** Queues a PDU for writing; writes are batched per event-loop turn (or per run of input handled: eagerWrites). */
  send(pdu: P): void {
    if (this.closeReason !== null) return;
    this.queue(pdu);
  }

  /** Encodes a PDU into the write buffer (throws the codec's error before queueing anything) and schedules the flush. */
  private queue(pdu: P): void {
    const protocol = this.protocol;
    if (protocol.encodeInto === undefined) {
      this.out.push(protocol.encode(pdu));
    } else {
      const end = this.chunk === null ? -1 : protocol.encodeInto(pdu, this.chunk, this.used);
      if (end >= 0) {
        this.used = end;
      } else {
        // the chunk is full (or there is none yet): what it holds goes out first, then a fresh chunk
        const bytes = protocol.encode(pdu);
        this.retireChunk();
        if (bytes.length * 4 > WRITE_CHUNK) {
          this.out.push(bytes);
        } else {
          this.chunk = Buffer.allocUnsafe(WRITE_CHUNK);
          this.used = bytes.copy(this.chunk, 0);
        }
      }
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushNow);
    }
  }

  /** Moves the unwritten part of the chunk to `out` and drops the chunk (the socket may still hold views of it). */
  private retireChunk(): void {
    if (this.chunk !== null && this.used > this.written) this.out.push(this.chunk.subarray(this.written, this.used));
    this.chunk = null;
    this.written = 0;
    this.used = 0;
  }

  /** Writes raw octets, bypassing the codec (fault injection in tests and the simulator). */
  writeRaw(bytes: Buffer): void {
    if (this.closeReason === null) this.socket.write(bytes);
  }

  /** Writes queued PDUs, then ends the socket gracefully. */
  end(reason: string): void {
    this.flush();
    this.socket.end();
    this.close(reason);
  }

  /** Ends the connection now: every request in flight is rejected with a retryable error. */
  close(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.out = [];
    this.chunk = null;
    if (!this.socket.writableEnded) this.socket.destroy();
    this.window.failAll(retryable(`connection closed: ${reason}`, 'closed'));
    this.resolveClosed(reason);
    this.handlers.onClose(reason);
  }

  private readonly flushNow = () => this.flush();

  private flush(): void {
    this.flushScheduled = false;
    this.writeOut();
  }

  /** Writes what is queued (the scheduled flush still runs, for what the rest of the turn queues). */
  private writeOut(): void {
    if (this.closeReason !== null) return;
    let bytes: Buffer;
    if (this.out.length === 0) {
      if (this.chunk === null || this.used === this.written) return;
      // the usual case: one view of the chunk; the socket keeps [written, used), the next PDUs go after it
      bytes = this.chunk.subarray(this.written, this.used);
      this.written = this.used;
    } else {
      this.retireChunk();
      const out = this.out;
      this.out = [];
      bytes = out.length === 1 ? out[0] : Buffer.concat(out);
    }
    this.socket.write(bytes);
  }

  private onData(chunk: Buffer): void {
    this.lastRx = Date.now();
    this.missedKeepalives = 0;
    try {
      this.run = NONE;
      this.framer.push(chunk, this.frameAt);
      // the rest of what handling the chunk queued goes out now, not after this turn's promise continuations
      if (this.eager) this.writeOut();
    } catch (err) {
      if (!(err instanceof PduError)) throw err;
      this.handlers.onFatalPdu?.(err);
      this.close(`bad data from peer: ${err.message}`);
    }
  }

  private readonly frameAt = (buf: Buffer, start: number, end: number) => this.onFrame(buf, start, end);

  private onFrame(buf: Buffer, start: number, end: number): void {
    if (this.closeReason !== null) return;
    if (this.eager) {
      // at each switch between a run of responses and a run of requests, what the run queued (a window refill, or
      // answers) goes out before the next run is handled, so the peer is already working on it meanwhile
      // (only when that is worth a write: a peer alternating requests and responses must not cost one per frame)
      const kind = this.protocol.isResponseFrame(buf, start) ? RESPONSES : REQUESTS;
      if (kind !== this.run) {
        if (this.run !== NONE && (this.used - this.written >= EAGER_WRITE_MIN || this.out.length > 0)) this.writeOut();
        this.run = kind;
      }
    }
    if (this.handlers.onFrame?.(buf, start, end)) return;
    let pdu: P;
    try {
      pdu = this.protocol.decode(buf.subarray(start, end));
    } catch (err) {
      if (!(err instanceof PduError) || err.fatal) throw err;
      this.handlers.onBadPdu(err);
      return;
    }
    if (this.protocol.isResponse(pdu)) {
      const seq = this.protocol.sequenceOf(pdu);
      const counted = this.window.size;
      if (this.window.settle(seq, pdu)) {
        if (this.window.size < counted) this.handlers.onFree();
      } else {
        this.handlers.onUnmatchedResponse?.(pdu);
      }
      return;
    }
    this.handlers.onRequest(pdu);
  }

  private onTick(): void {
    const now = Date.now();
    const { expired, keepalives } = this.window.expire(now);
    if (keepalives > 0) {
      this.missedKeepalives += keepalives;
      const allowed = this.options.keepaliveMisses ?? 1;
      if (this.missedKeepalives >= allowed) {
        this.close(allowed === 1 ? 'peer did not answer the keepalive' : `peer did not answer ${allowed} keepalives in a row`);
        return;
      }
    }
    if (expired > 0) this.handlers.onFree();
    const idle = this.options.keepaliveMs;
    if (idle > 0 && !this.keepaliveOut && now - this.lastRx >= idle) {
      this.keepaliveOut = true;
      this.request((seq) => this.protocol.keepalive(seq), false).then(
        () => (this.keepaliveOut = false),
        () => (this.keepaliveOut = false),
      );
    }
  }
}
