// One part of a submit kept for all its attempts (the same PDU: same reference, same UDH), and the caller's side of
// a submit made of parts. A Part is its own pool waiter and response handler, so an attempt costs no closures.
import type { SubmitResult } from '../channel.ts';
import type { SendError } from '../errors.ts';
import type { Connection } from './connection.ts';
import type { Waiter } from './pool.ts';
import type { ResponseHandler } from './window.ts';

/** Timer callback: the part's next attempt. */
export function retryPart<P>(part: Part<P>): void {
  part.retry();
}

/** Callbacks a Part makes into its channel. */
export interface PartHost<P> {
  leased(part: Part<P>, conn: Connection<P>): void;
  answered(part: Part<P>, resp: P): void;
  /** `sent`: the failure is the answer to a request on the wire (so it was counted in flight). */
  failed(part: Part<P>, err: unknown, sent: boolean): void;
  retry(part: Part<P>): void;
}

/** One part of a submit, kept for all its attempts; its own pool waiter and response handler. */
export class Part<P> implements Waiter<Connection<P>>, ResponseHandler<P> {
  attempts = 0;

  constructor(
    private readonly host: PartHost<P>,
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

  /** A bind with a free window slot: send on it. */
  use(conn: Connection<P>): void {
    this.host.leased(this, conn);
  }

  /** No window slot before the deadline, or the pool stopped. */
  fail(err: SendError): void {
    this.host.failed(this, err, false);
  }

  /** The response to this attempt. */
  onResponse(resp: P): void {
    this.host.answered(this, resp);
  }

  /** No response (timeout, connection closed). */
  onError(err: SendError): void {
    this.host.failed(this, err, true);
  }
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

  /** Part `index` was accepted with `carrierId`; resolves the submit when it was the last. */
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
