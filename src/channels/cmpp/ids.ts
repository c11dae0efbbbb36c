// CMPP's 8-octet Msg_Id, kept losslessly as the decimal of its unsigned 64 bits (never a JS number): the same
// octets always give the same string, so a submit's id and its report's id match exactly.
import { PduError } from '../session/pdu-error.ts';

/**
 * The decimal of hi·2^32 + lo, exact without BigInt (it runs for every submit response and report): with
 * 2^32 = 42949·10^5 + 67296, the value is (hi·42949 + ⌊y / 10^5⌋)·10^5 + y mod 10^5 where y = hi·67296 + lo, and
 * every product stays below 2^53.
 */
export function msgIdDecimal(hi: number, lo: number): string {
  const y = hi * 67296 + lo;
  const low = y % 100_000;
  const top = hi * 42949 + (y - low) / 100_000;
  if (top === 0) return String(low);
  const tail = String(low);
  return `${top}${tail.length === 5 ? tail : '0000'.slice(tail.length - 1) + tail}`;
}

/** The Msg_Id at `offset` as the decimal of its 64 bits. */
export function readMsgId(buf: Buffer, offset: number): string {
  return msgIdDecimal(buf.readUInt32BE(offset), buf.readUInt32BE(offset + 4));
}

const TWO_32 = 0x1_0000_0000;

/**
 * Writes a Msg_Id given as the decimal of its 64 bits; throws PduError for anything else. Without BigInt or a regex (it
 * runs for every report a gateway sends): the first 15 digits are exact as one number a (below 2^53), the rest as b
 * with m = 10^(their count), and a·m + b is assembled from a's two 32-bit halves, every product below 2^53.
 */
export function writeMsgId(buf: Buffer, offset: number, id: string): void {
  const n = id.length;
  if (n < 1 || n > 20) throw new PduError(`Msg_Id "${id}" is not a decimal number`);
  let a = 0;
  let b = 0;
  let m = 1;
  for (let i = 0; i < n; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new PduError(`Msg_Id "${id}" is not a decimal number`);
    if (i < 15) {
      a = a * 10 + d;
    } else {
      b = b * 10 + d;
      m *= 10;
    }
  }
  const aHi = Math.floor(a / TWO_32);
  const low = (a - aHi * TWO_32) * m + b;
  const carry = Math.floor(low / TWO_32);
  const hi = aHi * m + carry;
  if (hi > 0xffffffff) throw new PduError(`Msg_Id ${id} does not fit in 64 bits`);
  buf.writeUInt32BE(hi, offset);
  buf.writeUInt32BE(low - carry * TWO_32, offset + 4);
}

/** The parts of a Msg_Id as the gateway builds it (8.4.3.2): time, gateway code, sequence. */
export interface MsgIdParts {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The gateway's code (22 bits). */
  ismg: number;
  /** Wrapping sequence (16 bits). */
  sequence: number;
}

/** Composes a Msg_Id (decimal) from its parts: month bit 64–61, day 60–56, hour 55–51, minute 50–45, second 44–39, gateway 38–17, sequence 16–1. */
export function composeMsgId(p: MsgIdParts): string {
  const hi = ((p.month & 0xf) << 28 | (p.day & 0x1f) << 23 | (p.hour & 0x1f) << 18 | (p.minute & 0x3f) << 12 | (p.second & 0x3f) << 6 | ((p.ismg >>> 16) & 0x3f)) >>> 0;
  const lo = (((p.ismg & 0xffff) << 16) | (p.sequence & 0xffff)) >>> 0;
  return msgIdDecimal(hi, lo);
}

/** The parts of a Msg_Id given as its decimal. */
export function msgIdParts(id: string): MsgIdParts {
  const v = BigInt(id);
  const hi = Number(v >> 32n);
  const lo = Number(v & 0xffffffffn);
  return {
    month: hi >>> 28, day: (hi >>> 23) & 0x1f, hour: (hi >>> 18) & 0x1f, minute: (hi >>> 12) & 0x3f, second: (hi >>> 6) & 0x3f,
    ismg: ((hi & 0x3f) << 16 | lo >>> 16) >>> 0, sequence: lo & 0xffff,
  };
}
