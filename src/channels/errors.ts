// Send errors: every failure a channel reports says what the caller should do about it.

/** What to do about a failed send: retry later, slow down, give up, fix the channel, or stop texting the contact. */
export type SendErrorKind = 'retryable' | 'throttled' | 'permanent' | 'config' | 'opted-out';

/** The only error a Channel rejects with: a kind that decides the reaction, and the carrier's code when there is one. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    readonly kind: SendErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  /** True for kinds worth trying again with the same part identity. */
  get temporary(): boolean {
    return this.kind === 'retryable' || this.kind === 'throttled';
  }
}

/** A temporary failure (connection lost, timeout, carrier system error): retry the same part later. */
export function retryable(message: string, code?: string): SendError {
  return new SendError('retryable', message, code);
}

/** The carrier asked us to slow down: retry the same part later, at a lower rate. */
export function throttled(message: string, code?: string): SendError {
  return new SendError('throttled', message, code);
}

/** The carrier refused this message for good (bad number, bad content). */
export function permanent(message: string, code?: string): SendError {
  return new SendError('permanent', message, code);
}

/** The channel itself is misconfigured (bad credentials, bad host): mark it down with this reason. */
export function configError(message: string, code?: string): SendError {
  return new SendError('config', message, code);
}

/** Wraps anything thrown into a SendError (unknown failures are retryable, never silently permanent). */
export function asSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  return retryable(err instanceof Error ? err.message : String(err));
}
