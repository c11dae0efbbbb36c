// What a binary protocol must tell the generic session layer about its PDUs.

/** Adapter between a protocol's PDU type and the generic connection. */
export interface WireProtocol<P> {
  /** Smallest and largest acceptable frame (length prefix included). */
  readonly minLength: number;
  readonly maxLength: number;
  /** Highest sequence number before wrapping back to 1. */
  readonly maxSequence: number;
  encode(pdu: P): Buffer;
  /** Optional: encodes into `buf` at `offset`, returning the end offset, or -1 when it does not fit (nothing written); throws like encode. */
  encodeInto?(pdu: P, buf: Buffer, offset: number): number;
  /** Throws only PduError. */
  decode(frame: Buffer): P;
  isResponse(pdu: P): boolean;
  /** Whether the frame at `start` of `buf` is a response, read from its octets (undecoded). */
  isResponseFrame(buf: Buffer, start: number): boolean;
  sequenceOf(pdu: P): number;
  /** The keepalive request (SMPP enquire_link, CMPP ACTIVE_TEST). */
  keepalive(sequence: number): P;
  /** One-line summary for logs, secrets redacted. */
  describe(pdu: P): string;
}
