// Length-prefixed framing shared by SMPP, CMPP, SGIP and SMGP: a 4-octet big-endian total length first.
import { PduError } from './pdu-error.ts';

/** Splits a byte stream into frames; absurd lengths throw a fatal PduError (the stream is garbage). */
export class Framer {
  private pending: Buffer | null = null;

  constructor(
    private readonly minLength: number,
    private readonly maxLength: number,
  ) {}

  /** Feeds a chunk; calls onFrame with where every complete frame lies: octets [start, end) of `buf` (the chunk, or the chunk joined to what was pending). */
  push(chunk: Buffer, onFrame: (buf: Buffer, start: number, end: number) => void): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let off = 0;
    const end = buf.length;
    while (end - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (len < this.minLength || len > this.maxLength) {
        throw new PduError(`frame length ${len} outside ${this.minLength}..${this.maxLength}`, true);
      }
      if (end - off < len) break;
      onFrame(buf, off, off + len);
      off += len;
    }
    if (off < end) this.pending = Buffer.from(buf.subarray(off));
  }

  /** Octets received but not yet a whole frame. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}
