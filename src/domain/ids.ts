import { randomBytes, randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;
const pool = Buffer.alloc(8192);
let poolAt = pool.length;

function random9(): Buffer {
  if (poolAt + 9 > pool.length) { randomFillSync(pool); poolAt = 0; }
  poolAt += 9;
  return pool.subarray(poolAt - 9, poolAt);
}

/** A time-ordered unique id (UUIDv7 layout): sorts by creation time, friendly to B-tree indexes. */
export function newId(now = Date.now()): string {
  const r = random9();
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else { lastMs = now; seq = ((r[8] << 3) | (r[7] & 7)) & 0x7ff; }
  const hex = now.toString(16).padStart(12, '0');
  const t = r.toString('hex', 0, 8);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${(0x7000 | seq).toString(16)}-${(8 | (r[0] & 3)).toString(16)}${t.slice(2, 5)}-${t.slice(5, 16)}${(r[8] & 15).toString(16)}`;
}

/** A URL-safe random secret of the given number of bytes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The smallest id newId could make at `ms`: ids compare like their creation times, so this bounds a time range. */
export function idFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
