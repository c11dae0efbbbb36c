import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

/** A two-letter ISO country code as libphonenumber knows it (e.g. 'CN', 'RU', 'US'). */
export type { CountryCode };

/** Why a phone number was rejected: a stable code shown in import reports and pre-flight exclusions. */
export type PhoneRejection =
  | 'empty'
  | 'scientific_notation'
  | 'invalid_characters'
  | 'unknown_country'
  | 'too_short'
  | 'too_long'
  | 'invalid_number';

/** The result of normalising one number: E.164 and its country, or a stable reason with a readable detail. */
export type PhoneResult =
  | { ok: true; e164: string; country: string }
  | { ok: false; reason: PhoneRejection; detail: string };

const SCIENTIFIC = /^\+?\d+(?:\.\d+)?e[+-]?\d+$/i;
const EXCEL_FLOAT = /^(\+?\d{6,})\.0+$/;
const SEPARATORS = /[\s\-./()[\]\u00a0\u200b-\u200d\u2010-\u2015\ufeff]+/g;
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/g;
const CN_MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/;
const CN_MOBILE_BARE = /^1[3-9]\d{9}$/;

/** Validity of CN mobile numbers by their first five digits (the range libphonenumber's CN mobile pattern looks at). */
const cnMobileValidity = new Map<string, boolean>();

function fail(reason: PhoneRejection, detail: string): PhoneResult {
  return { ok: false, reason, detail };
}

function toHalfWidth(s: string): string {
  return s.replace(FULL_WIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** Strips what spreadsheets and people wrap around a number: apostrophes, ="…" formulas, quotes, separators. */
export function cleanPhoneText(raw: string): string {
  let s = toHalfWidth(raw).trim();
  const formula = /^=\s*"(.*)"$/.exec(s);
  if (formula) s = formula[1].trim();
  s = s.replace(/^['"`]+/, '').replace(/["`]+$/, '').trim();
  const float = EXCEL_FLOAT.exec(s);
  if (float) return float[1];
  if (SCIENTIFIC.test(s)) return s;
  return s.replace(SEPARATORS, '');
}

function isValidCnMobile(national: string): boolean {
  const key = national.slice(0, 5);
  let valid = cnMobileValidity.get(key);
  if (valid === undefined) {
    valid = parsePhoneNumberFromString(`+86${national}`)?.isValid() === true;
    cnMobileValidity.set(key, valid);
  }
  return valid;
}

/** The national number of a valid Chinese mobile number in E.164 (`+861…`), or null: a fast check without a full parse. */
export function cnMobileNational(e164: string): string | null {
  if (e164.length !== 14 || !e164.startsWith('+86')) return null;
  const national = e164.slice(3);
  return CN_MOBILE_BARE.test(national) && isValidCnMobile(national) ? national : null;
}

/** Normalises with libphonenumber's full parser (the slow, general path; also the reference for the fast path). */
export function normalizeWithLibphonenumber(cleaned: string, defaultCountry?: CountryCode): PhoneResult {
  if (!/^\+?\d+$/.test(cleaned)) {
    const bad = [...new Set(cleaned.replace(/[+\d]/g, ''))].join('');
    return fail('invalid_characters', `contains characters that are not digits: "${bad}"`);
  }
  const text = cleaned.startsWith('00') && !cleaned.startsWith('+') && defaultCountry === undefined
    ? `+${cleaned.slice(2)}` : cleaned;
  if (!text.startsWith('+') && defaultCountry === undefined) {
    return fail('unknown_country', 'a national number needs a default country or a leading +');
  }
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (parsed?.isValid()) return { ok: true, e164: parsed.number, country: parsed.country ?? defaultCountry ?? '' };
  const length = validatePhoneNumberLength(text, defaultCountry);
  if (length === 'TOO_SHORT') return fail('too_short', `${cleaned} is too short for a phone number`);
  if (length === 'TOO_LONG') return fail('too_long', `${cleaned} is too long for a phone number`);
  if (length === 'INVALID_COUNTRY') return fail('unknown_country', `${cleaned} has no known country calling code`);
  return fail('invalid_number', `${cleaned} is not a valid number${defaultCountry ? ` for ${defaultCountry}` : ''}`);
}

/**
 * Normalises a real-world phone number (text or a spreadsheet number) to E.164, using `defaultCountry` for
 * national numbers. Chinese mobile numbers take a fast path checked against libphonenumber's own rules.
 */
export function normalizePhone(input: string | number | null | undefined, defaultCountry?: CountryCode): PhoneResult {
  if (input === null || input === undefined) return fail('empty', 'no phone number');
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) {
      return fail('invalid_number', `the spreadsheet number ${input} is not a whole phone number`);
    }
    input = String(input);
  }
  if (defaultCountry === 'CN' && CN_MOBILE_BARE.test(input)) {
    if (isValidCnMobile(input)) return { ok: true, e164: `+86${input}`, country: 'CN' };
  }
  const cleaned = cleanPhoneText(input);
  if (cleaned === '') return fail('empty', 'no phone number');
  if (SCIENTIFIC.test(cleaned)) {
    return fail('scientific_notation', `scientific notation loses digits: "${input.trim()}"; format the column as text`);
  }
  const cn = CN_MOBILE.exec(cleaned);
  if (cn && (defaultCountry === 'CN' || cleaned.startsWith('+')) && isValidCnMobile(cn[1])) {
    return { ok: true, e164: `+86${cn[1]}`, country: 'CN' };
  }
  return normalizeWithLibphonenumber(cleaned, defaultCountry);
}
