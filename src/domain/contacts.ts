import { createHmac } from 'node:crypto';

/** The types a custom contact field can have. */
export const fieldTypes = ['text', 'number', 'date', 'boolean'] as const;
/** A custom field type. */
export type FieldType = (typeof fieldTypes)[number];
/** A stored custom field value: numbers and booleans as JSON numbers and booleans, dates as YYYY-MM-DD text. */
export type FieldValue = string | number | boolean | null;
/** Where a contact was created: the HTTP API (a key), the console (a session), an import, an event, an inbound SMS. */
export const contactSources = ['api', 'console', 'import', 'event', 'sms'] as const;
/** One of the contact sources. */
export type ContactSource = (typeof contactSources)[number];

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '对', 'да']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '不是', 'нет']);
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/;

/** Turns a header such as "Birth date" or "城市" into a field key usable in segment filters ("birth_date", "城市"). */
export function fieldKey(header: string): string {
  const key = header.trim().toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 64);
  return /^\p{N}/u.test(key) ? `f_${key}` : key || 'field';
}

function asDate(s: string): string | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Converts a raw value to a field's type; a value that does not fit is kept as text so nothing is lost. */
export function coerceField(type: FieldType, raw: string | number | boolean | null | undefined): FieldValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw.trim() === '') return null;
  const s = typeof raw === 'string' ? raw.trim() : raw;
  switch (type) {
    case 'number': {
      if (typeof s === 'number') return s;
      const t = String(s).replace(/,/g, '');
      return NUMBER.test(t) ? Number(t) : String(s);
    }
    case 'boolean': {
      if (typeof s === 'boolean') return s;
      const t = String(s).toLowerCase();
      return TRUE.has(t) ? true : FALSE.has(t) ? false : String(s);
    }
    case 'date': return asDate(String(s)) ?? String(s);
    default: return String(s);
  }
}

/** Guesses a field's type from sample values: number, date or boolean when every non-empty value fits, else text. */
export function inferFieldType(values: (string | number | boolean | null)[]): FieldType {
  const present = values.filter((v) => v !== null && v !== '' && !(typeof v === 'string' && v.trim() === ''));
  if (present.length === 0) return 'text';
  const fits = (t: FieldType) => present.every((v) => typeof coerceField(t, v) !== 'string');
  if (fits('number') && !present.every((v) => typeof v === 'string' && /^0\d/.test(v.trim()))) return 'number';
  if (present.every((v) => typeof v === 'string' && asDate(v.trim()) !== null)) return 'date';
  if (present.every((v) => typeof v === 'boolean' || ['true', 'false', '是', '否', 'да', 'нет', 'yes', 'no'].includes(String(v).trim().toLowerCase()))) return 'boolean';
  return 'text';
}

/** The salted hash kept for an erased number: HMAC-SHA256 keyed by the tenant, so lists of different tenants do not match. */
export function suppressionHash(tenantId: string, e164: string): string {
  return createHmac('sha256', `tidings-suppression:${tenantId}`).update(e164).digest('hex');
}
