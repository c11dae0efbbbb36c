// Pure rules of anti-counterfeit codes: the Luhn (mod 10) check digit, reading a code out of a text (full-width
// digits, spaces and dashes tolerated), codes derived from the secret key per batch, and the keyed hash stored.
import { createHmac } from 'node:crypto';

/** Shortest and longest code (check digit included). */
export const codeLength = { min: 8, max: 24 } as const;

/** The Luhn (ISO/IEC 7812-1, mod 10) check digit of a string of digits. */
export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Whether a full code (body + check digit) passes the Luhn check. */
export function luhnValid(code: string): boolean {
  return /^\d{2,}$/.test(code) && luhnDigit(code.slice(0, -1)) === code[code.length - 1];
}

/** The digits of a text as a code: NFKC (full-width digits), spaces, dashes and dots removed; null when other characters remain. */
export function readCode(text: string): string | null {
  const s = text.normalize('NFKC').replace(/[\s\-_.·—–]+/gu, '');
  return /^\d+$/.test(s) ? s : null;
}

/** What a text is as a code of `length` digits. */
export type CodeShape = { kind: 'ok'; code: string } | { kind: 'length'; code: string } | { kind: 'check_digit'; code: string } | { kind: 'none' };

/** Reads and checks a code: the right length, then the check digit. */
export function codeShape(text: string, length: number): CodeShape {
  const code = readCode(text);
  if (!code) return { kind: 'none' };
  if (code.length !== length) return { kind: 'length', code };
  return luhnValid(code) ? { kind: 'ok', code } : { kind: 'check_digit', code };
}

/** The i-th generated code of a batch: `length - 1` digits from HMAC-SHA256(key, "code|batch|i") plus the check digit. */
export function derivedCode(key: Buffer, batchId: string, i: number, length: number): string {
  let digits = '';
  for (let block = 0; digits.length < length - 1; block++) {
    const h = createHmac('sha256', key).update(`code|${batchId}|${i}|${block}`).digest();
    // 5 bytes → a number below 2^40; values above the largest multiple of 10^12 are skipped (no digit bias)
    for (let o = 0; o + 5 <= h.length && digits.length < length - 1; o += 5) {
      const v = h.readUIntBE(o, 5);
      if (v < 1_000_000_000_000) digits += String(v).padStart(12, '0');
    }
  }
  const body = digits.slice(0, length - 1);
  return body + luhnDigit(body);
}

/** The keyed hash a code is stored under: HMAC-SHA256(key, tenant "|" code), base64url. */
export function codeHash(key: Buffer, tenantId: string, code: string): string {
  return createHmac('sha256', key).update(`${tenantId}|${code}`).digest('base64url');
}

/** The result of a check, as counted in the statistics. */
export const checkResults = ['genuine', 'again_same', 'again_other', 'check_digit', 'not_found', 'expired', 'length', 'limited'] as const;
/** One result of a check. */
export type CheckResult = (typeof checkResults)[number];
