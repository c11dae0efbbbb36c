import { z } from 'zod';
import { DomainError } from './errors.ts';

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** Checks a tenant slug: 1–40 lowercase letters, digits and inner dashes. */
export function validateSlug(slug: string): string {
  if (!slugPattern.test(slug)) {
    throw new DomainError('invalid_request', `tenant slug "${slug}" is invalid: use 1–40 lowercase letters, digits and inner dashes`, { field: 'slug' });
  }
  return slug;
}

/** Tenant settings a tenant admin may change; later features add their own keys here. */
export const tenantSettingsSchema = z.object({
  signature: z.string().max(20).optional().describe('Signature such as 【公司】 placed on every message'),
  signaturePosition: z.enum(['prefix', 'suffix']).optional(),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).optional().describe('ISO country for national numbers, e.g. CN'),
  timezone: z.string().min(1).max(64).optional().describe('IANA zone used when a contact has none'),
  languages: z.array(z.enum(['zh-CN', 'en', 'ru'])).optional(),
}).strict();

/** The validated tenant settings. */
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
