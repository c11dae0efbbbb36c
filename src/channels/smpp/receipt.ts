// Delivery receipts: tolerant parsing of the vendor-shaped text, preferring the TLVs when present.
import type { Receipt } from '../channel.ts';
import { normaliseId, type IdFormat } from './ids.ts';
import { decodeText } from './message.ts';
import { HEADER_LENGTH, readU32 } from './codec.ts';
import { Cmd, EsmClass, Tag, type Pdu } from './pdus.ts';
import { stateStat, statStatus } from './status-map.ts';
import { findTlv, tlvString, tlvUint } from './tlv.ts';

/** The fields of a receipt text (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`), whichever are present. */
export interface ReceiptFields {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  stat?: string;
  err?: string;
  text?: string;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
/** The ASCII characters String.prototype.trim() removes: tab, LF, VT, FF, CR and space. */
const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isBoundary = (c: number) => isSpace(c) || c === 44 || c === 59; // space, ',' or ';'
/** An ASCII letter, lowered (0 for anything else). */
const letter = (c: number) => {
  const l = c | 0x20;
  return l >= 97 && l <= 122 ? l : 0;
};

/** Whether a key may start at `start`: at the beginning or after a boundary. */
function keyStart(s: string, start: number): boolean {
  return start === 0 || isBoundary(s.charCodeAt(start - 1));
}

// Field slots: the scanner records where each field's value lies instead of building strings and objects, so a
// caller slices only the fields it needs. Slot order = FIELD_NAMES order.
const ID = 0;
const SUB = 1;
const DLVRD = 2;
const SUBMIT_DATE = 3;
const DONE_DATE = 4;
const STAT = 5;
const ERR = 6;
const TEXT = 7;
const FIELD_NAMES: (keyof ReceiptFields)[] = ['id', 'sub', 'dlvrd', 'submitDate', 'doneDate', 'stat', 'err', 'text'];
/** Value span of each field found by the last scan; valueStart -1 = absent. */
const valueStart = new Int32Array(FIELD_NAMES.length);
const valueEnd = new Int32Array(FIELD_NAMES.length);

/** Where the key found by keyBefore starts (valid right after a result other than -1). */
let keyFrom = 0;

/** The lower-case ASCII letter at `i` of `s` (0 for anything else, or outside the string). */
function lowerAt(s: string, i: number): number {
  return i >= 0 ? letter(s.charCodeAt(i)) : 0;
}

/** Whether `word` (lower-case) ends at `end` in `s`, any case, and starts the text or follows a boundary; sets keyFrom. */
function keyAt(s: string, end: number, word: string): boolean {
  const start = end - word.length;
  if (start < 0 || !keyStart(s, start)) return false;
  for (let i = 0; i < word.length; i++) if (letter(s.charCodeAt(start + i)) !== word.charCodeAt(i)) return false;
  keyFrom = start;
  return true;
}

/**
 * The field slot of the key ending just before a ':' or '=' at `at` (spaces allowed in between), any case: id, sub,
 * dlvrd, stat, err, text, and submit/done date with a space, '_', '-' or nothing between the words; the key must start
 * the text or follow a boundary. -1 when there is none. Sets keyFrom. Dispatches on the key's last letter.
 */
function keyBefore(s: string, at: number): number {
  let end = at;
  while (end > 0 && isSpace(s.charCodeAt(end - 1))) end--;
  switch (lowerAt(s, end - 1)) {
    case 100: // d
      return keyAt(s, end, 'id') ? ID : keyAt(s, end, 'dlvrd') ? DLVRD : -1;
    case 98: // b
      return keyAt(s, end, 'sub') ? SUB : -1;
    case 114: // r
      return keyAt(s, end, 'err') ? ERR : -1;
    case 116: // t
      return keyAt(s, end, 'stat') ? STAT : keyAt(s, end, 'text') ? TEXT : -1;
    case 101: { // e: …date
      if (lowerAt(s, end - 4) !== 100 || lowerAt(s, end - 3) !== 97 || lowerAt(s, end - 2) !== 116) return -1;
      if (keyAt(s, end, 'submitdate')) return SUBMIT_DATE;
      if (keyAt(s, end, 'donedate')) return DONE_DATE;
      const sep = end - 4 > 0 ? s.charCodeAt(end - 5) : 0;
      if (sep !== 32 && sep !== 95 && sep !== 45) return -1;
      if (keyAt(s, end - 5, 'submit')) return SUBMIT_DATE;
      if (keyAt(s, end - 5, 'done')) return DONE_DATE;
      return -1;
    }
    default:
      return -1;
  }
}

/** Records the value span of `slot` unless the field was already seen (the first occurrence wins). */
function record(slot: number, start: number, end: number): void {
  if (slot >= 0 && valueStart[slot] < 0) {
    valueStart[slot] = start;
    valueEnd[slot] = end;
  }
}

/** The layout nearly every SMSC sends, one key per field slot: `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`. */
const CANONICAL_KEYS = ['id:', ' sub:', ' dlvrd:', ' submit date:', ' done date:', ' stat:', ' err:', ' text:'].map((k) => Buffer.from(k, 'latin1'));

/** Whether `key` is at `at` of `octets`, before `end`. */
function keyIn(octets: Buffer, at: number, end: number, key: Buffer): boolean {
  if (at + key.length > end) return false;
  for (let i = 0; i < key.length; i++) if (octets[at + i] !== key[i]) return false;
  return true;
}

/**
 * The fast path of scan(), read from the text's Latin-1 octets [start, end) (octets scan faster than characters):
 * exactly the canonical layout (these keys in this order, one space before each, values without a space, ':' or
 * '='), where a value simply ends at the next space. There the tolerant pass would find the same spans, key by key,
 * at several times the cost. False at the first deviation (the spans are then unusable).
 */
function scanCanonical(octets: Buffer, start: number, end: number): boolean {
  let pos = start;
  for (let slot = 0; slot < TEXT; slot++) {
    const key = CANONICAL_KEYS[slot];
    if (!keyIn(octets, pos, end, key)) return false;
    const from = pos + key.length;
    let to = from;
    for (; to < end; to++) {
      const c = octets[to];
      if (c === 32) break;
      if (c === 58 || c === 61) return false; // ':' or '=' in a value: the tolerant pass decides what it means
    }
    valueStart[slot] = from - start;
    valueEnd[slot] = to - start;
    pos = to;
  }
  if (!keyIn(octets, pos, end, CANONICAL_KEYS[TEXT])) return false;
  let from = pos + CANONICAL_KEYS[TEXT].length;
  while (from < end && isSpace(octets[from])) from++;
  valueStart[TEXT] = from - start;
  valueEnd[TEXT] = end - start;
  return true;
}

/**
 * Fills the value spans of receipt text `raw`: the canonical layout straight from `octets`, its Latin-1 encoding at
 * `start` (null for text that is not, e.g. UCS-2), anything else with the tolerant pass.
 */
function scan(raw: string, octets: Buffer | null, start: number): void {
  if (octets === null || !scanCanonical(octets, start, start + raw.length)) scanTolerant(raw);
}

/** One pass over the separators of receipt text (found with indexOf), filling the value spans; no regex, no allocation. */
function scanTolerant(raw: string): void {
  for (let slot = 0; slot < valueStart.length; slot++) valueStart[slot] = -1; // (fill() is a runtime call)
  let current = -1;
  let from = 0;
  const n = raw.length;
  let colon = raw.indexOf(':');
  let equals = raw.indexOf('=');
  let pos = 0;
  for (;;) {
    if (colon >= 0 && colon < pos) colon = raw.indexOf(':', pos);
    if (equals >= 0 && equals < pos) equals = raw.indexOf('=', pos);
    const i = colon < 0 ? equals : equals < 0 || colon < equals ? colon : equals;
    if (i < 0) break;
    pos = i + 1;
    const slot = keyBefore(raw, i);
    if (slot < 0) continue;
    record(current, from, keyFrom);
    current = slot;
    from = i + 1;
    while (from < n && isSpace(raw.charCodeAt(from))) from++;
    if (current === TEXT) break; // `text:` takes the rest
    pos = from;
  }
  record(current, from, n);
}

/** Where the value found by the last trimmedSpan() lies. */
let spanStart = 0;
let spanEnd = 0;

/** Sets spanStart/spanEnd to a field of the last scan without the separator before the next key and ASCII spaces; false when absent. */
function trimmedSpan(raw: string, slot: number): boolean {
  let s = valueStart[slot];
  if (s < 0) return false;
  let e = valueEnd[slot];
  while (e > s && isBoundary(raw.charCodeAt(e - 1))) e--;
  // what trim() would do, without its call for the usual ASCII case
  while (e > s && isAsciiSpace(raw.charCodeAt(e - 1))) e--;
  while (s < e && isAsciiSpace(raw.charCodeAt(s))) s++;
  spanStart = s;
  spanEnd = e;
  return true;
}

/** The value of a field of the last scan (undefined when absent): trimmed, without the separator before the next key; `text` as is. */
function field(raw: string, slot: number): string | undefined {
  if (slot === TEXT) return valueStart[TEXT] < 0 ? undefined : raw.slice(valueStart[TEXT]);
  if (!trimmedSpan(raw, slot)) return undefined;
  const s = spanStart;
  const e = spanEnd;
  if (s < e && (raw.charCodeAt(s) > 0x7f || raw.charCodeAt(e - 1) > 0x7f)) return raw.slice(s, e).trim(); // maybe Unicode spaces
  return raw.slice(s, e);
}

/** Parses receipt text: keys in any case, any order, some missing, ':' or '='; `text:` takes the rest. Missing fields are left out. */
export function parseReceiptText(raw: string): ReceiptFields {
  const octets = Buffer.from(raw, 'latin1');
  // the octets stand for the text only when every character is Latin-1
  scan(raw, octets.toString('latin1') === raw ? octets : null, 0);
  const out: ReceiptFields = {};
  for (let slot = 0; slot < FIELD_NAMES.length; slot++) {
    const value = field(raw, slot);
    if (value !== undefined) out[FIELD_NAMES[slot]] = value;
  }
  return out;
}

/** Digits of the date being parsed (at most 14 are meaningful). */
const dateDigits = new Uint8Array(14);

/** The two-digit number at `i` of dateDigits. */
const two = (i: number) => dateDigits[i] * 10 + dateDigits[i + 1];

/** The last date text parsed and its time: receipts arriving together mostly carry the same done date. */
let lastDateText = '';
let lastDateMs = 0;

/** The done date of the last scan: receipts arriving together mostly carry the same one, recognised without slicing it out. */
function doneDate(raw: string): Date | null {
  if (!trimmedSpan(raw, DONE_DATE)) return null;
  if (lastDateText !== '' && spanEnd - spanStart === lastDateText.length && raw.startsWith(lastDateText, spanStart)) return new Date(lastDateMs);
  return parseReceiptDate(field(raw, DONE_DATE));
}

/** A receipt date (YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss, read as UTC); null when absent or invalid. */
export function parseReceiptDate(value: string | undefined): Date | null {
  if (!value) return null;
  if (value === lastDateText) return new Date(lastDateMs);
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (count === 14) return null; // more digits than any accepted layout
      dateDigits[count++] = c - 48;
    }
  }
  let year: number;
  let at: number;
  if (count === 10 || count === 12) {
    year = 2000 + two(0);
    at = 2;
  } else if (count === 14) {
    year = two(0) * 100 + two(2);
    at = 4;
  } else return null;
  const month = two(at);
  const day = two(at + 2);
  const hour = two(at + 4);
  const minute = two(at + 6);
  const second = count === 10 ? 0 : two(at + 8);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  lastDateMs = Date.UTC(year, month - 1, day, hour, minute, second);
  lastDateText = value;
  return new Date(lastDateMs);
}

/** network_error_code as `type:code`, or null when absent or too short. */
function networkError(v: Buffer | undefined): string | null {
  if (!v || v.length < 3) return null;
  return `${v[0]}:${v.readUInt16BE(1)}`;
}

/** The Receipt of receipt text just scanned, given the receipted_message_id, message_state and network_error_code TLVs when present. */
function receiptOf(raw: string, tlvId: string | undefined, state: number | undefined, net: Buffer | undefined, channel: string, idFormat: IdFormat): Receipt | null {
  const id = tlvId || field(raw, ID);
  if (!id) return null;
  const stat = (state !== undefined ? stateStat(state) : undefined) ?? field(raw, STAT)?.toUpperCase() ?? 'UNKNOWN';
  const err = field(raw, ERR) ?? networkError(net);
  return {
    channel,
    carrierId: normaliseId(id, idFormat),
    status: statStatus(stat),
    stat,
    err: err === undefined || err === '' ? null : err,
    doneAt: doneDate(raw),
    raw,
  };
}

/** Builds our Receipt from a deliver_sm / data_sm carrying a delivery receipt. */
export function receiptFromPdu(p: Pdu, channel: string, idFormat: IdFormat): Receipt | null {
  const body = p.shortMessage?.length ? p.shortMessage : (findTlv(p, Tag.message_payload) ?? Buffer.alloc(0));
  // receipt text is ASCII in practice (read as Latin-1, so ids with '_' or '@' survive); UCS-2 only when flagged
  const latin1 = p.dataCoding !== 8;
  const raw = latin1 ? body.toString('latin1') : decodeText(body, 8);
  scan(raw, latin1 ? body : null, 0);
  return receiptOf(raw, tlvString(p, Tag.receipted_message_id), tlvUint(p, Tag.message_state), findTlv(p, Tag.network_error_code), channel, idFormat);
}

/** The offset after the C-octet string at `off` (its NUL included), or -1 when no NUL ends it before `end`. */
function afterC(frame: Buffer, off: number, end: number): number {
  while (off < end && frame[off] !== 0) off++;
  return off < end ? off + 1 : -1;
}

/** receipted_message_id at [start, end) of a frame: the receipt text's id when it is the same octets (a slice, no native call), else read. */
function frameId(frame: Buffer, start: number, end: number, raw: string): string {
  const n = end - start;
  if (trimmedSpan(raw, ID) && spanEnd - spanStart === n) {
    let i = 0;
    while (i < n && raw.charCodeAt(spanStart + i) === frame[start + i]) i++;
    if (i === n) return raw.slice(spanStart, spanEnd);
  }
  return frame.toString('latin1', start, end);
}

/**
 * The hot path of receiptFromPdu: the receipt of a deliver_sm read straight from its frame, octets [start, end) of
 * `frame`, with no PDU, TLV objects or strings a Receipt does not keep. Null when it has no id (as receiptFromPdu);
 * undefined for any frame it leaves to the decoder: another command, not a receipt, text in UCS-2 or in
 * message_payload, or anything malformed.
 */
export function receiptFromFrame(frame: Buffer, start: number, end: number, channel: string, idFormat: IdFormat): Receipt | null | undefined {
  if (end - start <= HEADER_LENGTH || readU32(frame, start + 4) !== Cmd.deliver_sm || readU32(frame, start) !== end - start) return undefined;
  let off = afterC(frame, start + HEADER_LENGTH, end); // service_type
  if (off >= 0) off = afterC(frame, off + 2, end); // source_addr_ton, source_addr_npi, source_addr
  if (off >= 0) off = afterC(frame, off + 2, end); // dest_addr_ton, dest_addr_npi, destination_addr
  if (off < 0 || off + 3 > end || !(frame[off] & (EsmClass.deliveryReceipt | EsmClass.intermediateNotification))) return undefined;
  off = afterC(frame, off + 3, end); // esm_class, protocol_id, priority_flag, schedule_delivery_time
  if (off >= 0) off = afterC(frame, off, end); // validity_period
  // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, sm_length
  if (off < 0 || off + 5 > end || frame[off + 2] === 8 || frame[off + 4] === 0) return undefined;
  const smStart = off + 5;
  off = smStart + frame[off + 4];
  if (off > end) return undefined;
  // the TLVs: the first of each tag counts (as findTlv); a truncated one is the decoder's to report
  let idStart = -1;
  let idEnd = -1;
  let stateSeen = false;
  let state: number | undefined;
  let net: Buffer | undefined;
  while (off < end) {
    if (off + 4 > end) return undefined;
    const tag = (frame[off] << 8) | frame[off + 1];
    const len = (frame[off + 2] << 8) | frame[off + 3];
    off += 4;
    if (off + len > end) return undefined;
    if (tag === Tag.receipted_message_id && idStart < 0) {
      idStart = off;
      idEnd = off + len;
    } else if (tag === Tag.message_state && !stateSeen) {
      stateSeen = true;
      if (len > 0 && len <= 4) state = frame.readUIntBE(off, len);
    } else if (tag === Tag.network_error_code && net === undefined) {
      net = frame.subarray(off, off + len);
    }
    off += len;
  }
  const raw = frame.toString('latin1', smStart, smStart + frame[smStart - 1]);
  scan(raw, frame, smStart);
  while (idEnd > idStart && frame[idEnd - 1] === 0) idEnd--; // trailing NULs, as tlvString drops them
  const tlvId = idStart < 0 ? undefined : frameId(frame, idStart, idEnd, raw);
  return receiptOf(raw, tlvId, state, net, channel, idFormat);
}
