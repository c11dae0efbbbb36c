// SMS text: encoding detection, segmentation (concatenated SMS) and the character-set codecs the
// carrier protocols need. Pure and allocation-light: it sits on the dispatcher's hot path, so every
// per-character decision is a typed-array lookup (see gsm7.ts), never a regex.
//
// Conventions:
// - GSM-7 cost is counted in septets: default-alphabet characters 1, extension characters 2 (0x1B + code).
// - UCS-2 cost is counted in UTF-16 code units; a surrogate pair (2 units) is never split across parts.
// - A single message carries 160 septets / 70 units; once split, every part carries 153 / 67
//   (8-bit concatenation reference, 6-octet UDH) or 152 / 66 (16-bit reference, 7-octet UDH).
// - The empty text is one (empty) segment of zero units: it still costs one submit if sent.
// - With a forced 'gsm7' encoding, a character outside the alphabet costs one septet: it goes out as '?'
//   (one '?' per code point, so a surrogate pair is one septet and is still kept whole).

import { GSM7_DEFAULT, GSM7_ESCAPE, GSM7_EXT, GSM7_EXTENSION, GSM7_LOOKUP, GSM7_NONE } from './gsm7.ts';

/** The two SMS text encodings we send: GSM 7-bit default alphabet or UCS-2 (UTF-16BE). */
export type Encoding = 'gsm7' | 'ucs2';

/** Per-text analysis used by the API/console preview. */
export interface TextPreview {
  encoding: Encoding;
  /** User-perceived length: Unicode code points. */
  characters: number;
  /** Septets for gsm7 (extension characters count 2), UTF-16 code units for ucs2. */
  units: number;
  segments: number;
  /** Capacity of each segment: 160 | 153 | 70 | 67, or 152 | 66 with a 16-bit reference. */
  perSegment: number;
  parts: string[];
}

/** Options for splitting: force an encoding and/or use a 16-bit concatenation reference. */
export interface SplitOptions {
  /** Force the encoding instead of detecting it. */
  encoding?: Encoding;
  /** 16-bit concatenation reference: 152 septets / 66 UCS-2 units per part. */
  ref16?: boolean;
}

const GSM7_SINGLE = 160;
const GSM7_MULTI = 153;
const GSM7_MULTI_REF16 = 152;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;
const UCS2_MULTI_REF16 = 66;
const QUESTION_MARK = 0x3f;

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Septets the text needs; with strict, -1 as soon as a character is outside the GSM alphabet. */
function septetCount(text: string, strict: boolean): number {
  let septets = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    const v = GSM7_LOOKUP[unit];
    if (v === GSM7_NONE) {
      if (strict) return -1;
      // Becomes one '?': skip the low half of a surrogate pair.
      if (isHigh(unit) && i + 1 < n && isLow(text.charCodeAt(i + 1))) i++;
      septets++;
    } else {
      septets += v & GSM7_EXT ? 2 : 1;
    }
  }
  return septets;
}

/**
 * Lay the text out in parts of at most `limit` units, keeping escapes and surrogate pairs whole.
 * Returns the number of parts; when `cuts` is given, pushes the UTF-16 index where each new part starts.
 */
function layout(text: string, gsm: boolean, limit: number, cuts: number[] | null): number {
  let used = 0;
  let parts = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const start = i;
    const unit = text.charCodeAt(i);
    let cost = 1;
    if (gsm) {
      const v = GSM7_LOOKUP[unit];
      if (v === GSM7_NONE) {
        if (isHigh(unit) && i + 1 < n && isLow(text.charCodeAt(i + 1))) i++;
      } else if (v & GSM7_EXT) {
        cost = 2;
      }
    } else if (isHigh(unit) && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
      i++;
      cost = 2;
    }
    if (used + cost > limit) {
      parts++;
      used = 0;
      if (cuts !== null) cuts.push(start);
    }
    used += cost;
  }
  return parts;
}

interface Measured {
  encoding: Encoding;
  units: number;
}

function measure(text: string, forced: Encoding | undefined): Measured {
  if (forced === 'ucs2') return { encoding: 'ucs2', units: text.length };
  if (forced === 'gsm7') return { encoding: 'gsm7', units: septetCount(text, false) };
  const septets = septetCount(text, true);
  return septets < 0 ? { encoding: 'ucs2', units: text.length } : { encoding: 'gsm7', units: septets };
}

function singleLimit(encoding: Encoding): number {
  return encoding === 'gsm7' ? GSM7_SINGLE : UCS2_SINGLE;
}

function multiLimit(encoding: Encoding, ref16: boolean | undefined): number {
  if (encoding === 'gsm7') return ref16 ? GSM7_MULTI_REF16 : GSM7_MULTI;
  return ref16 ? UCS2_MULTI_REF16 : UCS2_MULTI;
}

function cutParts(text: string, cuts: number[]): string[] {
  const parts: string[] = new Array(cuts.length + 1);
  let from = 0;
  for (let k = 0; k < cuts.length; k++) {
    parts[k] = text.slice(from, cuts[k]);
    from = cuts[k];
  }
  parts[cuts.length] = text.slice(from);
  return parts;
}

/** Which encoding a text needs: gsm7 if every char is in the GSM 03.38 default alphabet or extension table, else ucs2. */
export function detectEncoding(text: string): Encoding {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (GSM7_LOOKUP[text.charCodeAt(i)] === GSM7_NONE) return 'ucs2';
  }
  return 'gsm7';
}

/** Full analysis of a text for the API/console preview: encoding, lengths, segment count and part texts. */
export function preview(text: string, opts?: SplitOptions): TextPreview {
  const { encoding, units } = measure(text, opts?.encoding);
  let pairs = 0;
  const n = text.length;
  for (let i = 0; i < n - 1; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
      pairs++;
      i++;
    }
  }
  const single = units <= singleLimit(encoding);
  const perSegment = single ? singleLimit(encoding) : multiLimit(encoding, opts?.ref16);
  let parts: string[];
  if (single) {
    parts = [text];
  } else {
    const cuts: number[] = [];
    layout(text, encoding === 'gsm7', perSegment, cuts);
    parts = cutParts(text, cuts);
  }
  return { encoding, characters: n - pairs, units, segments: parts.length, perSegment, parts };
}

/** Split into part texts: single part if it fits 160 septets / 70 units, else 153/67 (152/66 with ref16); never split a GSM escape or a surrogate pair; joining the parts returns the text. */
export function splitText(text: string, opts?: SplitOptions): { encoding: Encoding; parts: string[] } {
  const { encoding, units } = measure(text, opts?.encoding);
  if (units <= singleLimit(encoding)) return { encoding, parts: [text] };
  const cuts: number[] = [];
  layout(text, encoding === 'gsm7', multiLimit(encoding, opts?.ref16), cuts);
  return { encoding, parts: cutParts(text, cuts) };
}

/** Segment count only (fast path, no part strings allocated); the empty text is 1 segment. */
export function countSegments(text: string, opts?: SplitOptions): number {
  const forced = opts?.encoding;
  if (forced !== 'ucs2') {
    const segments = gsmSegments(text, forced === undefined, opts?.ref16 ? GSM7_MULTI_REF16 : GSM7_MULTI);
    if (segments > 0) return segments;
  }
  if (text.length <= UCS2_SINGLE) return 1;
  return layout(text, false, opts?.ref16 ? UCS2_MULTI_REF16 : UCS2_MULTI, null);
}

/** One pass of countSegments for gsm7: -1 (strict) at the first non-GSM character, else the segment count. */
function gsmSegments(text: string, strict: boolean, limit: number): number {
  let total = 0;
  let used = 0;
  let parts = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    const v = GSM7_LOOKUP[unit];
    let cost = 1;
    if (v === GSM7_NONE) {
      if (strict) return -1;
      if (isHigh(unit) && i + 1 < n && isLow(text.charCodeAt(i + 1))) i++;
    } else if (v & GSM7_EXT) {
      cost = 2;
    }
    if (used + cost > limit) {
      parts++;
      used = 0;
    }
    used += cost;
    total += cost;
  }
  return total <= GSM7_SINGLE ? 1 : parts;
}

/** GSM 7-bit default alphabet, unpacked (one septet per byte, extension chars as 0x1B + code); unrepresentable code points become '?' (0x3F). */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.allocUnsafe(septetCount(text, false));
  const n = text.length;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    const v = GSM7_LOOKUP[unit];
    if (v === GSM7_NONE) {
      if (isHigh(unit) && i + 1 < n && isLow(text.charCodeAt(i + 1))) i++;
      out[o++] = QUESTION_MARK;
    } else if (v & GSM7_EXT) {
      out[o++] = GSM7_ESCAPE;
      out[o++] = v & 0x7f;
    } else {
      out[o++] = v;
    }
  }
  return out;
}

/** Inverse of encodeGsm7 (unpacked septets, high bit ignored; an undefined escape gives the default-table char, ESC ESC a space; a trailing 0x1B is ignored). */
export function decodeGsm7(bytes: Uint8Array): string {
  let s = '';
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] & 0x7f;
    if (b !== GSM7_ESCAPE) {
      s += GSM7_DEFAULT[b];
      continue;
    }
    if (i + 1 >= n) break; // dangling escape at the end
    const code = bytes[++i] & 0x7f;
    const ext = GSM7_EXTENSION[code];
    // Undefined extension code → the default-alphabet character (GSM7_DEFAULT[0x1B] is the space).
    s += ext === '' ? GSM7_DEFAULT[code] : ext;
  }
  return s;
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fillBits must be an integer 0..6, got ${fillBits}`);
  }
}

/** Pack unpacked septets into 7-bit packed octets (03.38 §6.1.2.1), after `fillBits` zero bits for UDH alignment. */
export function packSeptets(septets: Uint8Array, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  const n = septets.length;
  const out = Buffer.alloc((fillBits + 7 * n + 7) >>> 3);
  let bit = fillBits;
  for (let i = 0; i < n; i++) {
    const s = septets[i] & 0x7f;
    const at = bit >>> 3;
    const shift = bit & 7;
    out[at] |= (s << shift) & 0xff;
    if (shift > 1) out[at + 1] |= s >>> (8 - shift);
    bit += 7;
  }
  return out;
}

/** Unpack `count` septets from 7-bit packed octets, skipping `fillBits` leading fill bits; throws RangeError if the octets are too short. */
export function unpackSeptets(octets: Uint8Array, count: number, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (fillBits + 7 * count > 8 * octets.length) {
    throw new RangeError(`${octets.length} octets cannot hold ${count} septets after ${fillBits} fill bits`);
  }
  const out = Buffer.allocUnsafe(count);
  let bit = fillBits;
  for (let i = 0; i < count; i++) {
    const at = bit >>> 3;
    const shift = bit & 7;
    let v = octets[at] >>> shift;
    if (shift > 1) v |= octets[at + 1] << (8 - shift);
    out[i] = v & 0x7f;
    bit += 7;
  }
  return out;
}

/** UCS-2/UTF-16BE encode (surrogate pairs, and lone surrogates, pass through as code units). */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** UCS-2/UTF-16BE decode (surrogate pairs pass through as two units; a trailing odd byte is ignored). */
export function decodeUcs2(bytes: Uint8Array): string {
  const even = bytes.length & ~1;
  const copy = Buffer.allocUnsafe(even);
  copy.set(bytes.subarray(0, even));
  return copy.swap16().toString('utf16le');
}

function encodeSingleByte(text: string, max: number): Buffer {
  const n = text.length;
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit <= max) {
      out[o++] = unit;
    } else {
      if (isHigh(unit) && i + 1 < n && isLow(text.charCodeAt(i + 1))) i++;
      out[o++] = QUESTION_MARK;
    }
  }
  return o === n ? out : out.subarray(0, o);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Latin-1 (ISO-8859-1, SMPP data_coding 3) encode; code points above U+00FF become '?'. */
export function encodeLatin1(text: string): Buffer {
  return encodeSingleByte(text, 0xff);
}

/** Latin-1 (ISO-8859-1, SMPP data_coding 3) decode: each byte is the code point of the same value. */
export function decodeLatin1(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('latin1');
}

/** IA5/ASCII (SMPP data_coding 1) encode; code points above U+007F become '?'. */
export function encodeAscii(text: string): Buffer {
  return encodeSingleByte(text, 0x7f);
}

/** IA5/ASCII (SMPP data_coding 1) decode; bytes above 0x7F (not IA5) are read leniently as Latin-1, not dropped. */
export function decodeAscii(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('latin1');
}
