import { cleanPhoneText } from '../../domain/phone.ts';
import type { Cell, SourceRow } from './reader.ts';

/** Which column holds what: the phone, the name, and the rest as custom fields keyed by their header. */
export interface ColumnMapping {
  phone: number;
  name: number | null;
  fields: { index: number; key: string }[];
  /** The line of the header row, or null when the file starts with data. */
  headerLine: number | null;
}

/** Column choices the user made, by 0-based index or header text; they win over guesses. */
export interface ColumnOverrides {
  phone?: number | string;
  name?: number | string;
}

const PHONE_HEADERS = new Set([
  'phone', 'phonenumber', 'phoneno', 'mobile', 'mobilephone', 'mobilenumber', 'mobileno', 'msisdn', 'cell', 'cellphone',
  'tel', 'telephone', 'number', 'contactnumber', 'whatsapp',
  '手机', '手机号', '手机号码', '电话', '电话号码', '号码', '联系电话', '联系方式', '移动电话', '手机电话', '联系手机',
  'телефон', 'мобильный', 'мобильныйтелефон', 'номер', 'номертелефона', 'тел',
]);
const NAME_HEADERS = new Set([
  'name', 'fullname', 'contactname', 'contact', 'customer', 'customername', 'firstname', 'person',
  '姓名', '名字', '名称', '客户名称', '客户姓名', '客户', '联系人', '用户名', '称呼',
  'имя', 'фио', 'клиент', 'контакт', 'названиеклиента',
]);

/** Reduces a header to its comparable core: lower case, no spaces, punctuation or BOM. */
function headerKey(h: Cell): string {
  return String(h ?? '').toLowerCase().replace(/[\s_\-.:：()（）#№*\ufeff]/g, '');
}

function looksLikePhone(c: Cell): boolean {
  if (typeof c === 'number') return Number.isInteger(c) && c >= 1e6;
  if (typeof c !== 'string') return false;
  return /^\+?\d{7,15}$/.test(cleanPhoneText(c));
}

function resolve(o: number | string | undefined, header: Cell[] | null): number | null {
  if (o === undefined) return null;
  if (typeof o === 'number') return o;
  const i = header ? header.findIndex((h) => headerKey(h) === headerKey(o)) : -1;
  return i >= 0 ? i : null;
}

/**
 * Guesses the mapping from the first rows: the first row is a header if it names a phone or name column or
 * holds no phone-like value; the phone column is the named one, else the one with the most phone-like values.
 * Returns null when no column looks like phone numbers.
 */
export function guessMapping(sample: SourceRow[], overrides: ColumnOverrides = {}): ColumnMapping | null {
  const rows = sample.filter((r) => !r.error);
  if (rows.length === 0) return null;
  const first = rows[0].cells;
  const keys = first.map(headerKey);
  const named = keys.some((k) => PHONE_HEADERS.has(k) || NAME_HEADERS.has(k));
  const isHeader = named || (!first.some(looksLikePhone) && first.some((c) => typeof c === 'string' && c.trim() !== ''));
  const header = isHeader ? first : null;
  const data = isHeader ? rows.slice(1) : rows;
  const width = Math.max(0, ...rows.map((r) => r.cells.length));

  let phone = resolve(overrides.phone, header) ?? (header ? keys.findIndex((k) => PHONE_HEADERS.has(k)) : -1);
  if (phone < 0) {
    const scores = Array.from({ length: width }, (_, i) => data.filter((r) => looksLikePhone(r.cells[i] ?? null)).length);
    const best = Math.max(0, ...scores);
    phone = best > 0 ? scores.indexOf(best) : -1;
  }
  if (phone < 0) return null;
  const name = resolve(overrides.name, header) ?? (header ? keys.findIndex((k, i) => i !== phone && NAME_HEADERS.has(k)) : -1);
  const fields: ColumnMapping['fields'] = [];
  for (let i = 0; i < width; i++) {
    if (i === phone || i === name) continue;
    const key = header ? String(header[i] ?? '').replace(/^\ufeff/, '').trim() : '';
    fields.push({ index: i, key: key || `column${i + 1}` });
  }
  return { phone, name: name >= 0 ? name : null, fields, headerLine: isHeader ? rows[0].line : null };
}
