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

const KEY = /(?:^|[\s,;])(id|sub|dlvrd|submit[ _-]?date|done[ _-]?date|stat|err|text)\s*[:=]\s*/gi;

function fieldName(key: string): keyof ReceiptFields {
  const k = key.toLowerCase().replace(/[ _-]/g, '');
  return k === 'submitdate' ? 'submitDate' : k === 'donedate' ? 'doneDate' : (k as keyof ReceiptFields);
}

/** Parses receipt text: keys in any case, any order, some missing; `text:` takes the rest of the line. */
export function parseReceiptText(raw: string): ReceiptFields {
  const out: ReceiptFields = {};
  const keys = [...raw.matchAll(KEY)];
  for (let i = 0; i < keys.length; i++) {
    const m = keys[i];
    const name = fieldName(m[1]);
    const start = m.index + m[0].length;
    const isText = name === 'text';
    const end = isText || i + 1 >= keys.length ? raw.length : keys[i + 1].index;
    if (out[name] === undefined) out[name] = isText ? raw.slice(start) : raw.slice(start, end).trim();
    if (isText) break;
  }
  return out;
}

/** A receipt date (YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss, read as UTC); null when absent or invalid. */
export function parseReceiptDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = value.replace(/\D/g, '');
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
