// What China's gateway protocols (CMPP, SGIP, SMGP) share on the wire: fixed-width octet strings, the
// MMDDHHMMSS timestamp in Beijing time, and message text in Msg_Fmt 0 (ASCII), 8 (UCS-2) or 15 (GBK / GB18030),
// split into parts of at most 140 octets with a concatenation UDH (never splitting a character).
import iconv from 'iconv-lite';
import { PduError } from './pdu-error.ts';
import type { WireProtocol } from './protocol.ts';

/** Msg_Fmt / MessageCoding values for text. */
export const MsgFmt = { ascii: 0, binary: 4, ucs2: 8, gbk: 15 } as const;

/**
 * Writes `text` (Latin-1: the low octet of each UTF-16 unit, as buf.write(…, 'latin1') does) left-aligned into `len`
 * octets at `off`, NUL-padded; throws when it does not fit. A loop: these fields are at most 32 octets, where
 * fill + write cost more in argument handling than the copy itself.
 */
export function writeFixed(buf: Buffer, off: number, text: string, len: number, field: string): void {
  const n = text.length;
  if (n > len) throw new PduError(`${field} "${text}" is longer than ${len} octets`);
  let i = 0;
  for (; i < n; i++) buf[off + i] = text.charCodeAt(i);
  for (; i < len; i++) buf[off + i] = 0;
}

/** Reads a fixed-width octet string, dropping the NUL padding (and anything after the first NUL). */
export function readFixed(buf: Buffer, off: number, len: number): string {
  let end = off;
  const last = off + len;
  while (end < last && buf[end] !== 0) end++;
  return end === off ? '' : buf.toString('latin1', off, end);
}

/** Beijing time (UTC+8, no daylight saving) of `at`, as its parts. */
function beijing(at: Date): Date {
  return new Date(at.getTime() + 8 * 3_600_000);
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

let cachedSecond = -1;
let cachedStamp = '';
let cachedNumber = 0;

/** Caches the stamp of the second `ms` falls in. */
function stampSecond(ms: number): void {
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return;
  const b = beijing(new Date(ms));
  cachedSecond = second;
  cachedStamp = `${two(b.getUTCMonth() + 1)}${two(b.getUTCDate())}${two(b.getUTCHours())}${two(b.getUTCMinutes())}${two(b.getUTCSeconds())}`;
  cachedNumber = Number(cachedStamp);
}

/** MMDDHHMMSS in Beijing time, the timestamp of CMPP/SMGP logins and of SGIP sequence numbers (one string per second). */
export function beijingStamp(at: Date = new Date()): string {
  stampSecond(at.getTime());
  return cachedStamp;
}

/** The same stamp as a number (SGIP's sequence time), at `ms` (default now): no Date made within a second. */
export function beijingStampNumber(ms: number = Date.now()): number {
  stampSecond(ms);
  return cachedNumber;
}

/** The two decimal digits at `i` of `s` as a number; NaN when they are not digits. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * The YYMMDDHHMM a report's dates start with, in Beijing time, as a Date (and SS after it when `s` has 12 digits or
 * more); null when the first ten are not digits. Read digit by digit: it runs for every report.
 */
export function beijingReportTime(s: string): Date | null {
  if (s.length < 10) return null;
  const seconds = s.length >= 12 ? twoDigits(s, 10) : 0;
  const t = Date.UTC(2000 + twoDigits(s, 0), twoDigits(s, 2) - 1, twoDigits(s, 4), twoDigits(s, 6) - 8, twoDigits(s, 8), Number.isNaN(seconds) ? 0 : seconds);
  return Number.isNaN(t) ? null : new Date(t);
}

/** How non-ASCII text is carried: UCS-2 (8) or the carrier's Chinese code page (15). */
export type ChineseFormat = 8 | 15;

/** A text encoded for the wire: its Msg_Fmt and the octets of each part (UDH not included). */
export interface GatewayText {
  msgFmt: number;
  parts: Buffer[];
}

/** Most octets of user data in one part, and of text in one part of a long message (a 6-octet UDH before it). */
const SINGLE_OCTETS = 140;
const PART_OCTETS = 134;

/** Whether `text` is 7-bit ASCII. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The code page of Msg_Fmt 15 per protocol: SGIP says GBK, SMGP GB18030 (a superset). */
export type Gb = 'gbk' | 'gb18030';

/** Octets of one character (code point) in a format. */
function encodeChar(ch: string, msgFmt: number, gb: Gb): Buffer {
  if (msgFmt === MsgFmt.ucs2) return Buffer.from(ch, 'utf16le').swap16();
  if (msgFmt === MsgFmt.gbk) return iconv.encode(ch, gb);
  return Buffer.from(ch, 'latin1');
}

/** Whether GBK / GB18030 carries `text` without loss. */
function gbCarries(text: string, gb: Gb): boolean {
  return iconv.decode(iconv.encode(text, gb), gb) === text;
}

/**
 * Encodes and splits a text: ASCII as 0; anything else as `chinese` (15 falls back to UCS-2 when the code page cannot
 * carry the text). One part when it fits in 140 octets, else parts of at most 134 octets; a character (a surrogate
 * pair, a multi-octet GBK character) is never split.
 */
export function encodeGatewayText(text: string, chinese: ChineseFormat, gb: Gb): GatewayText {
  let msgFmt: number = isAscii(text) ? MsgFmt.ascii : chinese;
  if (msgFmt === MsgFmt.gbk && !gbCarries(text, gb)) msgFmt = MsgFmt.ucs2;
  const whole = msgFmt === MsgFmt.ascii ? Buffer.from(text, 'latin1') : msgFmt === MsgFmt.ucs2 ? encodeChar(text, msgFmt, gb) : iconv.encode(text, gb);
  if (whole.length <= SINGLE_OCTETS) return { msgFmt, parts: [whole] };
  const parts: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const ch of text) {
    const octets = encodeChar(ch, msgFmt, gb);
    if (size + octets.length > PART_OCTETS) {
      parts.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(octets);
    size += octets.length;
  }
  if (current.length) parts.push(Buffer.concat(current));
  return { msgFmt, parts };
}

/** Result of decoding inbound text: `lossy` when the octets were not valid in their format (the text then holds U+FFFD). */
export interface DecodedText {
  text: string;
  lossy: boolean;
}

/** Text of inbound octets in a Msg_Fmt (0 ASCII, 8 UCS-2, 15 GBK/GB18030; anything else read as Latin-1). */
export function decodeGatewayText(bytes: Buffer, msgFmt: number, gb: Gb): DecodedText {
  if (msgFmt === MsgFmt.ucs2) {
    const even = bytes.length & ~1;
    const text = Buffer.from(bytes.subarray(0, even)).swap16().toString('utf16le');
    return { text, lossy: even !== bytes.length };
  }
  if (msgFmt === MsgFmt.gbk) {
    const text = iconv.decode(bytes, gb);
    return { text, lossy: text.includes('\ufffd') };
  }
  return { text: bytes.toString('latin1'), lossy: false };
}

/** The concatenation header of a part: IEI 0x00, 8-bit reference. */
export function concatHeader(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([5, 0x00, 3, ref & 0xff, total, seq]);
}

/** Where a part sits in its long message. */
export interface PartInfo {
  ref: number;
  total: number;
  seq: number;
}

/** Splits user data with a UDH (TP_udhi set) into the concatenation info (IEI 0x00 or 0x08) and the payload after the header. */
export function splitUdh(data: Buffer): { payload: Buffer; concat: PartInfo | null } {
  if (data.length === 0 || data[0] + 1 > data.length) return { payload: data, concat: null };
  const end = 1 + data[0];
  let concat: PartInfo | null = null;
  for (let off = 1; off + 2 <= end;) {
    const iei = data[off];
    const iel = data[off + 1];
    if (off + 2 + iel > end) break;
    if (iei === 0x00 && iel === 3) concat = { ref: data[off + 2], total: data[off + 3], seq: data[off + 4] };
    else if (iei === 0x08 && iel === 4) concat = { ref: data.readUInt16BE(off + 2), total: data[off + 4], seq: data[off + 5] };
    off += 2 + iel;
  }
  if (concat && (concat.total < 1 || concat.seq < 1 || concat.seq > concat.total)) concat = null;
  return { payload: data.subarray(end), concat };
}

/** What a gateway protocol tells the session layer beyond what the three share. */
export type GatewayWire<P> = Pick<WireProtocol<P>, 'minLength' | 'maxLength' | 'encode' | 'encodeInto' | 'decode' | 'keepalive' | 'describe'>;

/**
 * A gateway protocol for the session layer: the command id follows the 4-octet length, a response is its request's id
 * with the high bit set, and the (32-bit) `sequence` of a PDU matches a response to its request.
 */
export function gatewayProtocol<P extends { sequence: number }>(commandOf: (p: P) => number, wire: GatewayWire<P>): WireProtocol<P> {
  return {
    ...wire,
    maxSequence: 0xffffffff,
    isResponse: (p) => (commandOf(p) & 0x80000000) !== 0,
    isResponseFrame: (buf, start) => (buf[start + 4] & 0x80) !== 0,
    sequenceOf: (p) => p.sequence,
  };
}
