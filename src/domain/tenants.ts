import { z } from 'zod';
import { DomainError } from './errors.ts';
import { hasOptOutText } from './templates.ts';
import { frequencyCapSchema, quietHoursSchema, sendWindowsSchema } from './compliance.ts';

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** Checks a tenant slug: 1–40 lowercase letters, digits and inner dashes. */
export function validateSlug(slug: string): string {
  if (!slugPattern.test(slug)) {
    throw new DomainError('invalid_request', `tenant slug "${slug}" is invalid: use 1–40 lowercase letters, digits and inner dashes`, { field: 'slug' });
  }
  return slug;
}

/** An IANA time zone name that this runtime knows, e.g. Asia/Shanghai. */
export const zoneSchema = z.string().min(1).max(64).refine((zone) => {
  try { new Intl.DateTimeFormat('en', { timeZone: zone }); return true; } catch { return false; }
}, 'not a known IANA time zone, e.g. Asia/Shanghai');

/** Tenant settings a tenant admin may change; later features add their own keys here. */
export const tenantSettingsSchema = z.object({
  signature: z.string().max(20).optional().describe('Signature such as 【公司】 placed on every message'),
  signaturePosition: z.enum(['prefix', 'suffix']).optional(),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).optional().describe('ISO country for national numbers, e.g. CN'),
  timezone: zoneSchema.optional().describe('IANA zone used when a contact has none'),
  languages: z.array(z.enum(['zh-CN', 'en', 'ru'])).optional(),
  optOutTexts: z.record(z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language tag such as zh-CN'), z.string().min(1).max(40).refine((text) => hasOptOutText(text), 'must tell how to opt out, e.g. 回T退订, Reply STOP to opt out, СТОП — отписаться')).optional()
    .describe('Opt-out text per language, e.g. {"zh-CN":"退订回N"}; overrides the built-in 回T退订 / Reply STOP to opt out / СТОП — отписаться'),
  linkAllowList: z.array(z.string().min(1).max(253)).max(200).optional().describe('Hosts links in messages may point to (subdomains included); unset = links not checked'),
  linkDomain: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'a host name such as t.shop.cn').optional().describe('Host of tracked short links (https://<host>/l/<code>); it must point at the Tidings API nodes. Unset = TIDINGS_PUBLIC_URL'),
  linkExpiryDays: z.number().int().min(1).max(3650).optional().describe('Days a tracked short link works (default 30); then it shows a page saying it expired'),
  linkRedirectStatus: z.union([z.literal(301), z.literal(302)]).optional().describe('HTTP status of a short-link redirect (default 302)'),
  sendWindows: sendWindowsSchema.optional().describe('Default send windows of campaigns, in the recipient\'s time zone'),
  quietHours: quietHoursSchema.nullable().optional().describe('No marketing in these local hours (default 21:00–08:00; null = none)'),
  frequencyCap: frequencyCapSchema.nullable().optional().describe('Default per-recipient cap, e.g. {"max":1,"days":14,"category":"marketing"}'),
  refundPolicy: z.enum(['failed', 'undelivered', 'never']).optional().describe('Refund messages that never reached the carrier (failed, the default), also carrier-undelivered ones (undelivered), or none (never)'),
  marketingFreeText: z.boolean().optional().describe('Set by the platform operator: marketing may be sent as free text, not only from approved templates'),
  requireMarketingConsent: z.boolean().optional().describe('Send marketing only to contacts with marketing consent on record'),
  doubleOptIn: z.boolean().optional().describe('Double opt-in: marketing only to confirmed consents (pending and missing ones excluded); a marketing consent recorded through the API starts pending and the contact gets the confirmation SMS'),
}).strict();

/** The time zone of a tenant: its setting, else China Standard Time (the product's home market). */
export function tenantZone(settings: { timezone?: unknown }): string {
  return typeof settings.timezone === 'string' ? settings.timezone : 'Asia/Shanghai';
}

/** The zone of a campaign's cron schedule: its own, else its tenant's. */
export function cronZone(options: { timezone?: string }, settings: { timezone?: unknown } | undefined): string {
  return options.timezone ?? tenantZone(settings ?? {});
}

/** The validated tenant settings. */
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
