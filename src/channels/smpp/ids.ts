// Carrier message id normalisation: one canonical form per id, so a hex id in submit_sm_resp and the
// same id in decimal in a receipt match. Numeric ids become decimal strings: with plain numbers while
// the value is below 2^53, via BigInt beyond (CMPP ids are 64-bit). Runs once per part and per receipt,
// so the common case (a clean id) allocates nothing but the result.

/** How a carrier renders its ids in one place (submit_sm_resp or receipts). */
export type IdFormat = 'asis' | 'hex' | 'decimal';

/** Value of a hex digit (either case), or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Value of `c` as a digit of `radix`, or -1. */
function digitOf(c: number, radix: 16 | 10): number {
  return radix === 16 ? hexDigit(c) : c >= 48 && c <= 57 ? c - 48 : -1;
}

/** `digits` (from `start`) in base 16 or 10 as a decimal string without leading zeros; null when a character is not a digit of the base. */
function numeric(id: string, start: number, radix: 16 | 10): string | null {
  const n = id.length;
  if (start >= n) return null;
  let value = 0;
  let exact = true;
  for (let i = start; i < n; i++) {
    const d = digitOf(id.charCodeAt(i), radix);
    if (d < 0) return null;
    // once past 2^53 a double is no longer exact: finish validating, then let BigInt do the arithmetic
    if (exact) {
      value = value * radix + d;
      if (value > Number.MAX_SAFE_INTEGER) exact = false;
    }
  }
  if (exact) {
    // a decimal id already in canonical form (no leading zero, the whole string) is its own answer: no new string
    return radix === 10 && start === 0 && (n === 1 || id.charCodeAt(0) !== 48) ? id : String(value);
  }
  return radix === 16 ? BigInt(`0x${id.slice(start)}`).toString(10) : BigInt(id.slice(start)).toString(10);
}

/** Whether `c` is a character that `trim()` or the trailing-NUL strip could remove (ASCII controls, space, DEL and non-ASCII whitespace candidates). */
function maybeTrimmed(c: number): boolean {
  return c <= 32 || c >= 127;
}

/** Canonical id: decimal without leading zeros for numeric formats; otherwise (or when the id does not parse) trimmed and lowercased. */
export function normaliseId(raw: string, format: IdFormat): string {
  const n = raw.length;
  const id = n > 0 && (maybeTrimmed(raw.charCodeAt(0)) || maybeTrimmed(raw.charCodeAt(n - 1))) ? raw.replace(/\0+$/, '').trim() : raw;
  if (format === 'hex') {
    const prefixed = id.length > 2 && id.charCodeAt(0) === 48 && (id.charCodeAt(1) | 0x20) === 120; // 0x / 0X
    const value = numeric(id, prefixed ? 2 : 0, 16);
    if (value !== null) return value;
  } else if (format === 'decimal') {
    const value = numeric(id, 0, 10);
    if (value !== null) return value;
  }
  return id.toLowerCase();
}

/** Most digits read as a plain number by normaliseIdAt (13 hex or 15 decimal digits stay below 2^53). */
const EXACT_DIGITS = { hex: 13, decimal: 15 } as const;

/**
 * normaliseId of the Latin-1 id in octets [start, end) of `buf`: a clean numeric id (digits of its base only, as
 * submit_sm_resp carries) is read straight from the octets, so only the canonical string is made; anything else
 * goes through normaliseId.
 */
export function normaliseIdAt(buf: Buffer, start: number, end: number, format: IdFormat): string {
  const n = end - start;
  if (format !== 'asis' && n > 0 && n <= EXACT_DIGITS[format]) {
    const radix = format === 'hex' ? 16 : 10;
    let value = 0;
    let i = start;
    for (; i < end; i++) {
      const d = digitOf(buf[i], radix);
      if (d < 0) break;
      value = value * radix + d;
    }
    if (i === end) return String(value);
  }
  return normaliseId(buf.toString('latin1', start, end), format);
}
