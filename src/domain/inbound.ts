// Inbound (MO) messages: the sender's number in E.164, and attribution of the destination number to a tenant
// and campaign by service number and extension codes (the 扩展码 practice: 1069xxxx + tenant code + campaign code).
import { normalizePhone, type CountryCode } from './phone.ts';

/** The sender of an MO message: E.164 when it is a real number, else the cleaned raw address (short codes, names). */
export interface MoSender { phone: string; mobile: boolean }

const CN_BARE = /^1[3-9]\d{9}$/;

/**
 * Normalises an MO source address. SMSCs send international numbers without '+' (8613800138000), national ones
 * bare (13800138000), sometimes with 00 or separators; alphanumeric senders and short codes stay as they are
 * and are marked not mobile (never answered automatically).
 */
export function normalizeMoSender(raw: string, defaultCountry: CountryCode = 'CN'): MoSender {
  const cleaned = raw.normalize('NFKC').trim();
  const digits = cleaned.replace(/[\s\-().]/g, '');
  if (!/^\+?\d+$/.test(digits)) return { phone: cleaned.slice(0, 64) || '(empty)', mobile: false };
  const bare = digits.replace(/^\+/, '').replace(/^00/, '');
  if (bare.length < 7) return { phone: bare || '(empty)', mobile: false };
  const tries: string[] = [];
  if (CN_BARE.test(bare)) tries.push(bare);
  if (digits.startsWith('+') || digits.startsWith('00') || bare.length >= 11) tries.push(`+${bare}`);
  tries.push(digits);
  for (const t of tries) {
    const r = normalizePhone(t, defaultCountry);
    if (r.ok) return { phone: r.e164, mobile: true };
  }
  return { phone: bare, mobile: false };
}

/** Digits of a destination address (service number and extension). */
export function destinationDigits(to: string): string {
  return to.normalize('NFKC').replace(/\D/g, '');
}

/** A service number as attribution sees it. */
export interface ServiceNumberRef { id: string; number: string; channelId: string | null; tenantId: string | null }
/** An extension code: a tenant code (campaignId null, scope '*') or a campaign code of one tenant. */
export interface ExtensionRef { tenantId: string; campaignId: string | null; code: string }

/** Who an MO message belongs to, as far as the number it was sent to tells. */
export type Destination =
  | { kind: 'dedicated'; tenantId: string; campaignId: string | null; serviceNumber: string; extension: string }
  | { kind: 'extension'; tenantId: string; campaignId: string | null; serviceNumber: string; extension: string }
  | { kind: 'shared'; serviceNumber: string; extension: string }
  | { kind: 'unknown' };

function longestPrefix<T>(items: readonly T[], key: (t: T) => string, s: string): T | undefined {
  let best: T | undefined;
  for (const it of items) {
    const k = key(it);
    if (k && s.startsWith(k) && (!best || k.length > key(best).length)) best = it;
  }
  return best;
}

/**
 * Resolves the number an MO was sent to: the longest service number it starts with (on this channel or any),
 * then — on a shared number — the longest tenant code that the rest starts with, then a campaign code of that
 * tenant. A dedicated number belongs to its tenant whatever follows. `campaignCodesOf` gives a tenant's codes.
 */
export function resolveDestination(to: string, channelId: string | null, numbers: readonly ServiceNumberRef[], tenantCodes: readonly ExtensionRef[],
  campaignCodesOf: (tenantId: string) => readonly ExtensionRef[]): Destination {
  const digits = destinationDigits(to);
  const candidates = numbers.filter((n) => n.channelId === null || n.channelId === channelId);
  const sn = longestPrefix(candidates, (n) => n.number, digits);
  if (!sn) return { kind: 'unknown' };
  const rest = digits.slice(sn.number.length);
  const campaignOf = (tenantId: string, tail: string): string | null =>
    tail ? longestPrefix(campaignCodesOf(tenantId), (c) => c.code, tail)?.campaignId ?? null : null;
  if (sn.tenantId) return { kind: 'dedicated', tenantId: sn.tenantId, campaignId: campaignOf(sn.tenantId, rest), serviceNumber: sn.number, extension: rest };
  const tc = longestPrefix(tenantCodes, (c) => c.code, rest);
  if (!tc) return { kind: 'shared', serviceNumber: sn.number, extension: rest };
  return { kind: 'extension', tenantId: tc.tenantId, campaignId: campaignOf(tc.tenantId, rest.slice(tc.code.length)), serviceNumber: sn.number, extension: rest };
}

/** Limits on automatic answers to one number, against floods and reply loops. */
export interface ReplyLimits {
  /** At most this many automatic replies to one number per window. */
  maxReplies: number;
  windowMs: number;
  /** One opt-out confirmation per number per this period. */
  confirmationPeriodMs: number;
  /** Identical MO texts from one number within this period are answered once. */
  repeatPeriodMs: number;
}

/** Defaults: 3 replies per 10 minutes, one opt-out confirmation a day, repeats answered once per hour. */
export const defaultReplyLimits: ReplyLimits = { maxReplies: 3, windowMs: 10 * 60_000, confirmationPeriodMs: 24 * 3600_000, repeatPeriodMs: 3600_000 };
