// Carrier message id normalisation: one canonical form per id, so a hex id in submit_sm_resp and the
// same id in decimal in a receipt match. Numeric ids become decimal strings via BigInt (ids can be 64-bit).

/** How a carrier renders its ids in one place (submit_sm_resp or receipts). */
export type IdFormat = 'asis' | 'hex' | 'decimal';

const HEX = /^(?:0x)?([0-9a-f]+)$/i;
const DECIMAL = /^[0-9]+$/;

/** Canonical id: decimal without leading zeros for numeric formats; otherwise (or when the id does not parse) trimmed and lowercased. */
export function normaliseId(raw: string, format: IdFormat): string {
  const id = raw.replace(/\0+$/, '').trim();
  if (format === 'hex') {
    const m = HEX.exec(id);
    // up to 13 hex digits (52 bits) a double is exact; beyond, BigInt
    if (m) return m[1].length <= 13 ? Number.parseInt(m[1], 16).toString(10) : BigInt(`0x${m[1]}`).toString(10);
  } else if (format === 'decimal') {
    if (DECIMAL.test(id)) return id.length <= 15 ? String(Number(id)) : BigInt(id).toString(10);
  }
  return id.toLowerCase();
}
