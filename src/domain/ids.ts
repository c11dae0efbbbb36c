import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/** A time-ordered unique id (UUIDv7 layout): sorts by creation time, friendly to B-tree indexes. */
export function newId(now = Date.now()): string {
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else { lastMs = now; seq = randomBytes(2).readUInt16BE(0) & 0x7ff; }
  const r = randomBytes(8);
  const hex = now.toString(16).padStart(12, '0');
  const s = (0x7000 | seq).toString(16);
  r[0] = (r[0] & 0x3f) | 0x80;
  const tail = r.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${s}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`;
}

/** A URL-safe random secret of the given number of bytes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
