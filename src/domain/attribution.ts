import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cnMobileNational } from './phone.ts';
import { lookupPrefix, lookupTimezones } from './prefix-tables.ts';

/** What a number's range says about it: country, type, original carrier, region and time zone. */
export interface Attribution {
  country: string | null;
  /** libphonenumber's type, e.g. MOBILE, FIXED_LINE, FIXED_LINE_OR_MOBILE, TOLL_FREE. */
  numberType: string | null;
  /** Original carrier in English, e.g. 'China Mobile' (number portability is not visible in range data). */
  carrier: string | null;
  /** Original carrier in Chinese, e.g. '中国移动' (the English name where the data has no Chinese one). */
  carrierZh: string | null;
  /** The full geographic description: Chinese for China ('广东省深圳市'), English elsewhere. */
  region: string | null;
  /** Province for Chinese numbers, short form: '广东', '北京', '内蒙古'. */
  province: string | null;
  /** City for Chinese numbers, short form: '深圳', '北京', '延边朝鲜族自治州'. */
  city: string | null;
  /** The IANA time zone of the number's range, e.g. 'Asia/Shanghai'. */
  timezone: string | null;
}

const CACHE_LIMIT = 200_000;
// Two generations: when the young one fills up it becomes the old one and the old one is dropped, so memory is
// bounded, eviction is O(1), and prefixes still in use survive by being copied forward on a hit.
let young = new Map<number, Attribution>();
let old = new Map<number, Attribution>();
const MUNICIPALITY = /^(北京|上海|天津|重庆)市?/;
const AUTONOMOUS = /^(内蒙古|广西|西藏|宁夏|新疆)(.*)$/;
const PROVINCE = /^(.+?)省(.*)$/;

const interned = new Map<string, Attribution>();
const regions = new Map<string, { province: string | null; city: string | null }>();

/** Splits a Chinese geocode ('广东省深圳市', '新疆乌鲁木齐市', '北京市') into short province and city names. */
export function splitChineseRegion(region: string): { province: string | null; city: string | null } {
  const municipality = MUNICIPALITY.exec(region);
  if (municipality) return { province: municipality[1], city: municipality[1] };
  const m = AUTONOMOUS.exec(region) ?? PROVINCE.exec(region);
  if (!m) return { province: null, city: region || null };
  const city = m[2].split('、')[0].replace(/市$/, '');
  return { province: m[1], city: city || null };
}

function compute(e164: string): Attribution {
  const digits = e164.slice(1);
  const cnNational = cnMobileNational(e164);
  let country: string | null = 'CN';
  let numberType: string | null = 'MOBILE';
  let callingCode = '86';
  let national = cnNational ?? '';
  if (cnNational === null) {
    const parsed = parsePhoneNumberFromString(e164);
    if (!parsed) return { country: null, numberType: null, carrier: null, carrierZh: null, region: null, province: null, city: null, timezone: null };
    country = parsed.country ?? null;
    numberType = parsed.getType() ?? null;
    callingCode = parsed.countryCallingCode;
    national = parsed.nationalNumber;
  }
  const isCn = callingCode === '86';
  const region = lookupPrefix('geocodes', isCn ? 'zh' : 'en', callingCode, national);
  let split = region && isCn ? regions.get(region) : undefined;
  if (region && isCn && !split) regions.set(region, (split = splitChineseRegion(region)));
  const { province, city } = split ?? { province: null, city: null };
  const carrier = lookupPrefix('carrier', 'en', callingCode, national);
  const carrierZh = carrier === null ? null : lookupPrefix('carrier', 'zh', callingCode, national);
  const a: Attribution = { country, numberType, carrier, carrierZh, region, province, city, timezone: lookupTimezones(digits)?.[0] ?? null };
  // Ranges share a few thousand distinct answers: one object per answer keeps the prefix cache to references.
  const id = JSON.stringify(a);
  const same = interned.get(id);
  if (same) return same;
  if (interned.size < 100_000) interned.set(id, a);
  return a;
}

/**
 * Attributes an E.164 number. Results are cached by the first nine digits (for Chinese mobiles: 86 plus the
 * seven-digit block that fixes carrier and city), in a bounded Map so million-row imports stay fast.
 */
export function attribute(e164: string): Attribution {
  // The nine digits as a number (E.164 digits never start with 0, so this is one-to-one): a small integer, so the
  // cache holds no key strings. Anything that is not '+' and digits is answered uncached.
  const key = Number(e164.slice(1, 10));
  if (!Number.isInteger(key) || e164[0] !== '+') return compute(e164);
  let hit = young.get(key);
  if (hit !== undefined) return hit;
  hit = old.get(key) ?? compute(e164);
  if (young.size >= CACHE_LIMIT) { old = young; young = new Map(); }
  young.set(key, hit);
  return hit;
}

/**
 * Loads the prefix tables of Chinese numbers (the default country) now: a node calls it as it starts, so that its
 * first send or MO does not wait the ~100 ms their decoding takes.
 */
export function warmAttribution(): void {
  attribute('+8613800138000');
}

const keys = new WeakMap<Attribution, string>();

/**
 * A short text naming an attribution by its content (equal attributions, equal keys: a 132-bit hash of its JSON),
 * cached per answer object; imports store each answer once under it rather than seven values with every contact.
 */
export function attributionKey(a: Attribution): string {
  let key = keys.get(a);
  if (key === undefined) keys.set(a, key = createHash('sha256').update(JSON.stringify(a)).digest('base64url').slice(0, 22));
  return key;
}
