// Delivery receipts: tolerant parsing of the vendor-shaped text, preferring the TLVs when present.
import type { Receipt } from '../channel.ts';
import { normaliseId, type IdFormat } from './ids.ts';
import { decodeText } from './message.ts';
import { Tag, type Pdu } from './pdus.ts';
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
const isBoundary = (c: number) => isSpace(c) || c === 44 || c === 59; // space, ',' or ';'
/** An ASCII letter, lowered (0 for anything else). */
const letter = (c: number) => {
  const l = c | 0x20;
  return l >= 97 && l <= 122 ? l : 0;
};

/** Whether `s[start, start + word.length)` spells the lower-case ASCII `word` in any case. */
function spells(s: string, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (letter(s.charCodeAt(start + i)) !== word.charCodeAt(i)) return false;
  return true;
}

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

/**
 * The field slot of the key ending just before a ':' or '=' at `at` (spaces allowed in between), any case: id, sub,
 * dlvrd, stat, err, text, and submit/done date with a space, '_', '-' or nothing between the words; the key must start
 * the text or follow a boundary. -1 when there is none. Sets keyFrom. The key is the run of letters before the separator.
 */
function keyBefore(s: string, at: number): number {
  let end = at;
  while (end > 0 && isSpace(s.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && letter(s.charCodeAt(start - 1)) !== 0) start--;
  let slot = -1;
  switch (end - start) {
    case 2: slot = spells(s, start, 'id') ? ID : -1; break;
    case 3: slot = spells(s, start, 'sub') ? SUB : spells(s, start, 'err') ? ERR : -1; break;
    case 4:
      if (spells(s, start, 'stat')) slot = STAT;
      else if (spells(s, start, 'text')) slot = TEXT;
      else if (spells(s, start, 'date')) return dateKey(s, start);
      break;
    case 5: slot = spells(s, start, 'dlvrd') ? DLVRD : -1; break;
    case 8: slot = spells(s, start, 'donedate') ? DONE_DATE : -1; break;
    case 10: slot = spells(s, start, 'submitdate') ? SUBMIT_DATE : -1; break;
  }
  if (slot < 0 || !keyStart(s, start)) return -1;
  keyFrom = start;
  return slot;
}

/** `submit date` / `done date` (separated by ' ', '_' or '-') ending with the 'date' at `dateAt`. */
function dateKey(s: string, dateAt: number): number {
  const sep = dateAt > 0 ? s.charCodeAt(dateAt - 1) : 0;
  if (sep !== 32 && sep !== 95 && sep !== 45) return -1;
  const wordEnd = dateAt - 1;
  let slot = -1;
  let start = wordEnd - 6;
  if (start >= 0 && spells(s, start, 'submit')) slot = SUBMIT_DATE;
  else if ((start = wordEnd - 4) >= 0 && spells(s, start, 'done')) slot = DONE_DATE;
  if (slot < 0 || !keyStart(s, start)) return -1;
  keyFrom = start;
  return slot;
}

/** Records the value span of `slot` unless the field was already seen (the first occurrence wins). */
function record(slot: number, start: number, end: number): void {
  if (slot >= 0 && valueStart[slot] < 0) {
    valueStart[slot] = start;
    valueEnd[slot] = end;
  }
}

/** One pass over the separators of receipt text (found with indexOf), filling the value spans; no regex, no allocation. */
function scan(raw: string): void {
  valueStart.fill(-1);
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

/** The value of a field of the last scan (undefined when absent): trimmed, without the separator before the next key; `text` as is. */
function field(raw: string, slot: number): string | undefined {
  const start = valueStart[slot];
  if (start < 0) return undefined;
  if (slot === TEXT) return raw.slice(start);
  let e = valueEnd[slot];
  while (e > start && isBoundary(raw.charCodeAt(e - 1))) e--;
  return raw.slice(start, e).trim();
}

/** Parses receipt text: keys in any case, any order, some missing, ':' or '='; `text:` takes the rest. Missing fields are left out. */
export function parseReceiptText(raw: string): ReceiptFields {
  scan(raw);
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

function networkError(p: Pdu): string | null {
  const v = findTlv(p, Tag.network_error_code);
  if (!v || v.length < 3) return null;
  return `${v[0]}:${v.readUInt16BE(1)}`;
}

/** Builds our Receipt from a deliver_sm / data_sm carrying a delivery receipt. */
export function receiptFromPdu(p: Pdu, channel: string, idFormat: IdFormat): Receipt | null {
  const body = p.shortMessage?.length ? p.shortMessage : (findTlv(p, Tag.message_payload) ?? Buffer.alloc(0));
  // receipt text is ASCII in practice (read as Latin-1, so ids with '_' or '@' survive); UCS-2 only when flagged
  const raw = p.dataCoding === 8 ? decodeText(body, 8) : body.toString('latin1');
  scan(raw);
  const id = tlvString(p, Tag.receipted_message_id) || field(raw, ID);
  if (!id) return null;
  const state = tlvUint(p, Tag.message_state);
  const stat = (state !== undefined ? stateStat(state) : undefined) ?? field(raw, STAT)?.toUpperCase() ?? 'UNKNOWN';
  const err = field(raw, ERR) ?? networkError(p);
  return {
    channel,
    carrierId: normaliseId(id, idFormat),
    status: statStatus(stat),
    stat,
    err: err === undefined || err === '' ? null : err,
    doneAt: parseReceiptDate(field(raw, DONE_DATE)),
    raw,
  };
}
