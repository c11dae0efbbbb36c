// The one error a protocol decoder may throw: bad bytes on the wire, never a crash.

/** Malformed frame or PDU; `fatal` means the byte stream cannot be trusted any more (close the connection). */
export class PduError extends Error {
  override readonly name = 'PduError';
  constructor(
    message: string,
    readonly fatal = false,
    /** Sequence number of the offending PDU when the header could be read (to answer with a nack). */
    readonly sequence?: number,
    /** The protocol status to answer with, when the header could be read. */
    readonly status?: number,
  ) {
    super(message);
  }
}
