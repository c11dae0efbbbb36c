// CMPP's 8-octet Msg_Id, kept losslessly as the decimal of its unsigned 64 bits (never a JS number): the same
// octets always give the same string, so a submit's id and its report's id match exactly.
import { PduError } from '../session/pdu-error.ts';

const TWO_32 = 0x1_0000_0000n;

/** The Msg_Id at `offset` as the decimal of its 64 bits. */
export function readMsgId(buf: Buffer, offset: number): string {
  const hi = buf.readUInt32BE(offset);
  const lo = buf.readUInt32BE(offset + 4);
  // below 2^53 a double is exact (ids from some gateways are small counters); above, BigInt
  return hi < 0x200000 ? String(hi * 0x1_0000_0000 + lo) : (BigInt(hi) * TWO_32 + BigInt(lo)).toString();
}

/** Writes a Msg_Id given as the decimal of its 64 bits; throws PduError for anything else. */
export function writeMsgId(buf: Buffer, offset: number, id: string): void {
  if (!/^\d{1,20}$/.test(id)) throw new PduError(`Msg_Id "${id}" is not a decimal number`);
  const value = BigInt(id);
  if (value >= 1n << 64n) throw new PduError(`Msg_Id ${id} does not fit in 64 bits`);
  buf.writeBigUInt64BE(value, offset);
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
  return (BigInt(hi) * TWO_32 + BigInt(lo)).toString();
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
