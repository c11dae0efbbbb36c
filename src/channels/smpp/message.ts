// Short-message bodies: text ↔ octets per data_coding, and concatenation (UDH 8/16-bit reference or SAR TLVs).
import {
  decodeAscii, decodeGsm7, decodeLatin1, decodeUcs2, encodeAscii, encodeGsm7, encodeLatin1, encodeUcs2, splitText,
} from '../../domain/text.ts';
import { GSM7_EXT, GSM7_LOOKUP, GSM7_NONE } from '../../domain/gsm7.ts';
import { concatUdh, readConcatUdh, type ConcatInfo } from '../session/udh.ts';
import { EsmClass, Tag, type Pdu, type Tlv } from './pdus.ts';
import { findTlv, tlvUint, uintTlv } from './tlv.ts';

export { concatUdh, type ConcatInfo } from '../session/udh.ts';

/** How long messages are concatenated on the wire. */
export type ConcatMode = 'udh8' | 'udh16' | 'sar';

/** One part ready for submit_sm / deliver_sm. */
export interface WirePart {
  esmClass: number;
  shortMessage: Buffer;
  tlvs?: Tlv[];
}

/** A text split and encoded: the data_coding all parts share, and the parts. */
export interface WireMessage {
  dataCoding: number;
  parts: WirePart[];
}

/** Octets of text in an SMPP data_coding (0 = GSM-7 unpacked, 1 = IA5, 3 = Latin-1, 8 = UCS-2). */
export function encodeText(text: string, dataCoding: number): Buffer {
  switch (dataCoding) {
    case 8: return encodeUcs2(text);
    case 3: return encodeLatin1(text);
    case 1: return encodeAscii(text);
    default: return encodeGsm7(text);
  }
}

/** Text of octets in an SMPP data_coding (GSM-7 unpacked for 0, UCS-2 for 8, Latin-1 for 8-bit data and the rest). */
export function decodeText(bytes: Buffer, dataCoding: number): string {
  if (dataCoding === 0) return decodeGsm7(bytes);
  if (dataCoding === 1) return decodeAscii(bytes);
  if (dataCoding === 8) return decodeUcs2(bytes);
  if ((dataCoding & 0xc0) === 0) {
    const alphabet = dataCoding & 0x0c;
    if (alphabet === 0x08) return decodeUcs2(bytes);
    if (alphabet === 0) return decodeGsm7(bytes);
  } else if ((dataCoding & 0xf0) === 0xf0 && (dataCoding & 0x04) === 0) {
    return decodeGsm7(bytes);
  }
  return decodeLatin1(bytes);
}

/** Whether a GSM text fits in a single-byte data_coding without loss. */
function fitsSingleByte(text: string, max: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > max) return false;
  return true;
}

/** Single-part GSM-7 text: at most this many default-alphabet characters. */
const GSM7_SINGLE = 160;

/**
 * The common case: a text of at most 160 default-alphabet characters goes out as one part in data_coding 0, one septet
 * per character (exactly what splitText + encodeGsm7 give it). Null for anything else, found before allocating.
 */
export function singleGsm7(text: string): Buffer | null {
  const n = text.length;
  if (n > GSM7_SINGLE) return null;
  for (let i = 0; i < n; i++) {
    const v = GSM7_LOOKUP[text.charCodeAt(i)];
    if (v === GSM7_NONE || v & GSM7_EXT) return null;
  }
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = GSM7_LOOKUP[text.charCodeAt(i)];
  return out;
}

/** Splits and encodes a text: UCS-2 (8) when needed, else the preferred GSM data_coding (0, 1 or 3, falling back to 0). */
export function buildMessage(text: string, opts: { concat: ConcatMode; dataCoding: number; ref: number }): WireMessage {
  if (opts.dataCoding !== 1 && opts.dataCoding !== 3) {
    const single = singleGsm7(text);
    if (single) return { dataCoding: 0, parts: [{ esmClass: 0, shortMessage: single }] };
  }
  const split = splitText(text, { ref16: opts.concat === 'udh16' });
  let dataCoding = 8;
  if (split.encoding === 'gsm7') {
    const preferred = opts.dataCoding;
    dataCoding = (preferred === 3 && fitsSingleByte(text, 0xff)) || (preferred === 1 && fitsSingleByte(text, 0x7f)) ? preferred : 0;
  }
  const total = split.parts.length;
  const parts = split.parts.map((partText, i): WirePart => {
    const body = encodeText(partText, dataCoding);
    if (total === 1) return { esmClass: 0, shortMessage: body };
    const info = { ref: opts.ref, total, seq: i + 1 };
    if (opts.concat === 'sar') {
      return {
        esmClass: 0,
        shortMessage: body,
        tlvs: [uintTlv(Tag.sar_msg_ref_num, info.ref & 0xffff, 2), uintTlv(Tag.sar_total_segments, total, 1), uintTlv(Tag.sar_segment_seqnum, info.seq, 1)],
      };
    }
    return { esmClass: EsmClass.udhi, shortMessage: Buffer.concat([concatUdh(info, opts.concat === 'udh16'), body]) };
  });
  return { dataCoding, parts };
}

/** The user data of an incoming message and its concatenation info, from a UDH (esm_class 0x40) or SAR TLVs. */
export function readUserData(p: Pdu): { payload: Buffer; concat: ConcatInfo | null } {
  let data = p.shortMessage?.length ? p.shortMessage : (findTlv(p, Tag.message_payload) ?? Buffer.alloc(0));
  let concat: ConcatInfo | null = null;
  if ((p.esmClass ?? 0) & EsmClass.udhi && data.length > 0) {
    ({ payload: data, concat } = readConcatUdh(data));
  } else {
    const ref = tlvUint(p, Tag.sar_msg_ref_num);
    const total = tlvUint(p, Tag.sar_total_segments);
    const seq = tlvUint(p, Tag.sar_segment_seqnum);
    if (ref !== undefined && total !== undefined && seq !== undefined) concat = { ref, total, seq };
  }
  if (concat && (concat.total < 1 || concat.seq < 1 || concat.seq > concat.total)) concat = null;
  return { payload: data, concat };
}
