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

/** Key spellings (lower case) → field; dates come with a space, '_', '-' or nothing between the words. */
const KEYS: [string, keyof ReceiptFields][] = [
  ['id', 'id'], ['sub', 'sub'], ['dlvrd', 'dlvrd'], ['stat', 'stat'], ['err', 'err'], ['text', 'text'],
  ...['submit', 'done'].flatMap((w) => ['', ' ', '_', '-'].map((sep): [string, keyof ReceiptFields] => [`${w}${sep}date`, w === 'submit' ? 'submitDate' : 'doneDate'])),
];

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isBoundary = (c: number) => isSpace(c) || c === 44 || c === 59; // space, ',' or ';'

/** The key ending just before a ':' or '=' at `at` (spaces allowed in between), with where it starts. */
function keyBefore(lower: string, at: number): { name: keyof ReceiptFields; start: number } | null {
  let end = at;
  while (end > 0 && isSpace(lower.charCodeAt(end - 1))) end--;
  for (const [word, name] of KEYS) {
    const start = end - word.length;
    if (start >= 0 && lower.startsWith(word, start) && (start === 0 || isBoundary(lower.charCodeAt(start - 1)))) return { name, start };
  }
  return null;
}

/** A field value without surrounding spaces or the separator before the next key. */
function fieldValue(raw: string, start: number, end: number): string {
  let e = end;
  while (e > start && (isBoundary(raw.charCodeAt(e - 1)))) e--;
  return raw.slice(start, e).trim();
}

/** Parses receipt text: keys in any case, any order, some missing, ':' or '='; `text:` takes the rest. One pass over the separators, no regex. */
export function parseReceiptText(raw: string): ReceiptFields {
  const out: ReceiptFields = {};
  const lower = raw.toLowerCase();
  let current: keyof ReceiptFields | null = null;
  let valueStart = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 58 && c !== 61) continue; // ':' '='
    const key = keyBefore(lower, i);
    if (!key) continue;
    if (current && out[current] === undefined) out[current] = fieldValue(raw, valueStart, key.start);
    current = key.name;
    valueStart = i + 1;
    while (valueStart < n && isSpace(raw.charCodeAt(valueStart))) valueStart++;
    if (current === 'text') {
      if (out.text === undefined) out.text = raw.slice(valueStart);
      return out;
    }
    i = valueStart - 1;
  }
  if (current && out[current] === undefined) out[current] = fieldValue(raw, valueStart, n);
  return out;
}

/** A receipt date (YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss, read as UTC); null when absent or invalid. */
export function parseReceiptDate(value: string | undefined): Date | null {
  if (!value) return null;
  let d = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) d += value[i];
  }
  let year: number;
  let rest: string;
  if (d.length === 10 || d.length === 12) {
    year = 2000 + Number(d.slice(0, 2));
    rest = d.slice(2);
  } else if (d.length === 14) {
    year = Number(d.slice(0, 4));
    rest = d.slice(4);
  } else return null;
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((i) => Number(rest.slice(i, i + 2) || '0'));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
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
  const fields = parseReceiptText(raw);
  const id = tlvString(p, Tag.receipted_message_id) || fields.id;
  if (!id) return null;
  const state = tlvUint(p, Tag.message_state);
  const stat = (state !== undefined ? stateStat(state) : undefined) ?? fields.stat?.toUpperCase() ?? 'UNKNOWN';
  const err = fields.err ?? networkError(p);
  return {
    channel,
    carrierId: normaliseId(id, idFormat),
    status: statStatus(stat),
    stat,
    err: err === undefined || err === '' ? null : err,
    doneAt: parseReceiptDate(fields.doneDate),
    raw,
  };
}
