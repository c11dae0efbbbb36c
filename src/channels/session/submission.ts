// One submit as the session layer carries it: a message split into parts, each kept with its PDU for all its
// attempts (the same reference, the same UDH), and the caller's promise settled once every part is answered.
import type { SubmitResult } from '../channel.ts';
import type { SendError } from '../errors.ts';
import type { Waiter } from './pool.ts';
import type { ResponseHandler } from './window.ts';

/** Callbacks a Part makes into its channel (C: a bound connection, P: the protocol's PDU). */
export interface PartHost<C, P> {
  leased(part: Part<C, P>, conn: C): void;
  answered(part: Part<C, P>, resp: P): void;
  /** `sent`: the failure is the answer to a request on the wire (so it was counted in flight). */
  failed(part: Part<C, P>, err: unknown, sent: boolean): void;
  retry(part: Part<C, P>): void;
}

/**
 * One part of a submit, kept for all its attempts (the same PDU: same reference, same UDH). It is its own pool
 * waiter and response handler, so an attempt costs no closures and no promises.
 */
export class Part<C, P> implements Waiter<C>, ResponseHandler<P> {
  attempts = 0;

  constructor(
    private readonly host: PartHost<C, P>,
    readonly messageId: string,
    readonly pdu: P,
    readonly deadline: number,
    readonly submission: Submission,
    readonly index: number,
  ) {}

  /** The next attempt (after a backoff or a TPS wait). */
  retry(): void {
    this.host.retry(this);
  }

  /** The pool found a bind with a free window slot. */
  use(conn: C): void {
    this.host.leased(this, conn);
  }

  /** No window slot before the deadline, or the pool stopped. */
  fail(err: SendError): void {
    this.host.failed(this, err, false);
  }

  /** The carrier answered this attempt. */
  onResponse(resp: P): void {
    this.host.answered(this, resp);
  }

  /** This attempt got no answer (timeout, connection lost). */
  onError(err: SendError): void {
    this.host.failed(this, err, true);
  }
}

/** Timer callback: the part's next attempt. */
export function retryPart(part: Part<unknown, unknown>): void {
  part.retry();
}

/** The caller's side of one submit: resolves once every part has its carrier id, rejects with the first part that gives up. */
export class Submission {
  private readonly ids: string[];
  private remaining: number;
  private settled = false;

  constructor(
    parts: number,
    private readonly resolve: (r: SubmitResult) => void,
    private readonly reject: (err: SendError) => void,
  ) {
    this.ids = new Array<string>(parts);
    this.remaining = parts;
  }

  /** Part `index` was accepted with `carrierId`; the last one resolves the submit. */
  partDone(index: number, carrierId: string, count: { submitted: number }): void {
    this.ids[index] = carrierId;
    if (--this.remaining > 0 || this.settled) return;
    this.settled = true;
    count.submitted++;
    this.resolve({ carrierIds: this.ids, segments: this.ids.length });
  }

  /** A part gave up: the submit fails with its error (once). */
  fail(err: SendError, count: { submitFailed: number }): void {
    if (this.settled) return;
    this.settled = true;
    count.submitFailed++;
    this.reject(err);
  }
}
