// Message bodies of CMPP_SUBMIT / CMPP_DELIVER: Msg_Fmt chosen per text (0 ASCII, 15 GBK, 8 UCS-2), long texts
// split into parts with TP_udhi + a concatenation UDH, and content decoded back to text.
import iconv from 'iconv-lite';
import { decodeUcs2, encodeUcs2, splitText } from '../../domain/text.ts';
import { concatUdh } from '../session/udh.ts';

/** Msg_Fmt values (8.4.3.1). */
export const MsgFmt = { ascii: 0, binary: 4, ucs2: 8, gbk: 15 } as const;

/** How non-ASCII text goes out: UCS-2 (every gateway takes it) or GBK (older gateways' Chinese), UCS-2 when GBK cannot hold it. */
export type ChineseFormat = 'ucs2' | 'gbk';

/** One part of a message: its Msg_Content and whether it starts with a UDH. */
export interface CmppPart {
  tpUdhi: number;
  content: Buffer;
}

/** A text encoded and split: the Msg_Fmt every part shares, and the parts (Pk_total = parts.length). */
export interface CmppMessage {
  msgFmt: number;
  parts: CmppPart[];
}

/** Whether every character is 7-bit ASCII. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** ASCII texts this long or shorter are one part in Msg_Fmt 0 (160 septets, an extension character costing 2). */
const ASCII_ALWAYS_SINGLE = 80;

/** Octets of a single GBK message, and per part once a UDH takes 6 (8-bit reference) or 7 octets. */
const GBK_SINGLE = 140;

/** The GBK octets of a text, or null when GBK cannot hold every character. */
function gbkOctets(text: string): Buffer | null {
  const bytes = iconv.encode(text, 'gbk');
  return iconv.decode(bytes, 'gbk') === text ? bytes : null;
}

/** Splits GBK text into parts of at most `max` octets, never inside a character (1 octet for ASCII, 2 for the rest). */
function splitGbk(text: string, max: number): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const width = text.charCodeAt(i) < 0x80 ? 1 : 2;
    if (used + width > max) {
      parts.push(iconv.encode(text.slice(from, i), 'gbk'));
      from = i;
      used = 0;
    }
    used += width;
  }
  parts.push(iconv.encode(text.slice(from), 'gbk'));
  return parts;
}

/** Encodes and splits a text: ASCII as Msg_Fmt 0 (160 / 153 per part), else GBK (140 / 134 octets) or UCS-2 (70 / 67). */
export function buildCmppMessage(text: string, opts: { chinese: ChineseFormat; ref: number; ref16?: boolean }): CmppMessage {
  const ref16 = opts.ref16 === true;
  let msgFmt: number;
  let bodies: Buffer[];
  if (isAscii(text)) {
    msgFmt = MsgFmt.ascii;
    // up to 80 characters fit one part whatever they cost (2 septets at most): no split to measure (the usual case)
    bodies = text.length <= ASCII_ALWAYS_SINGLE ? [Buffer.from(text, 'latin1')] : splitText(text, { encoding: 'gsm7', ref16 }).parts.map((p) => Buffer.from(p, 'latin1'));
  } else {
    const gbk = opts.chinese === 'gbk' ? gbkOctets(text) : null;
    if (gbk) {
      msgFmt = MsgFmt.gbk;
      bodies = gbk.length <= GBK_SINGLE ? [gbk] : splitGbk(text, GBK_SINGLE - (ref16 ? 7 : 6));
    } else {
      msgFmt = MsgFmt.ucs2;
      bodies = splitText(text, { encoding: 'ucs2', ref16 }).parts.map(encodeUcs2);
    }
  }
  const total = bodies.length;
  if (total === 1) return { msgFmt, parts: [{ tpUdhi: 0, content: bodies[0] }] };
  if (total > 255) throw new Error(`text needs ${total} parts, more than 255`);
  return {
    msgFmt,
    parts: bodies.map((body, i) => ({ tpUdhi: 1, content: Buffer.concat([concatUdh({ ref: opts.ref, total, seq: i + 1 }, ref16), body]) })),
  };
}

/** Text of Msg_Content in a Msg_Fmt; `undecodable` when GBK octets were not valid GBK (the text then holds U+FFFD where they were). */
export function decodeContent(bytes: Buffer, msgFmt: number): { text: string; undecodable: boolean } {
  if (msgFmt === MsgFmt.ucs2) return { text: decodeUcs2(bytes), undecodable: false };
  if (msgFmt === MsgFmt.gbk) {
    const text = iconv.decode(bytes, 'gbk');
    return { text, undecodable: text.includes('\ufffd') && !iconv.encode(text, 'gbk').equals(bytes) };
  }
  return { text: bytes.toString('latin1'), undecodable: false };
}
