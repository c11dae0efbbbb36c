import type { Db, ExtensionCodesTable, ServiceNumbersTable } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import type { ExtensionRef, ServiceNumberRef } from '../../domain/inbound.ts';

/** A service number as the API shows it. */
export interface ServiceNumber { id: string; number: string; channelId: string | null; tenantId: string | null; description: string | null; createdAt: string }
/** An extension code as the API shows it. */
export interface ExtensionCode { id: string; tenantId: string; campaignId: string | null; code: string; createdAt: string }

function toNumber(r: ServiceNumbersTable): ServiceNumber {
  return { id: r.id, number: r.number, channelId: r.channel_id, tenantId: r.tenant_id, description: r.description, createdAt: r.created_at };
}
function toCode(r: ExtensionCodesTable): ExtensionCode {
  return { id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, code: r.code, createdAt: r.created_at };
}

const digitsOnly = /^\d{1,20}$/;

/** Adds a platform service number (shared, or dedicated to a tenant). */
export async function createServiceNumber(db: Db, input: { number: string; channelId?: string | null; tenantId?: string | null; description?: string | null }, now: string): Promise<ServiceNumber> {
  if (!digitsOnly.test(input.number)) throw new DomainError('invalid_request', 'number must be 1–20 digits', { field: 'number' });
  const dup = await db.selectFrom('service_numbers').select('id').where('number', '=', input.number).executeTakeFirst();
  if (dup) throw new DomainError('conflict', `service number ${input.number} already exists`, { id: dup.id });
  const row: ServiceNumbersTable = {
    id: newId(), number: input.number, channel_id: input.channelId ?? null, tenant_id: input.tenantId ?? null,
    description: input.description ?? null, created_at: now,
  };
  await db.insertInto('service_numbers').values(row).execute();
  invalidateSenderCache();
  return toNumber(row);
}

/** Every service number (platform), or those a tenant may use: shared ones and its dedicated ones. */
export async function listServiceNumbers(db: Db, tenantId?: string): Promise<ServiceNumber[]> {
  let q = db.selectFrom('service_numbers').selectAll().orderBy('number');
  if (tenantId !== undefined) q = q.where((eb) => eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', tenantId)]));
  return (await q.execute()).map(toNumber);
}

/** Deletes a service number. */
export async function deleteServiceNumber(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('service_numbers').where('id', '=', id).executeTakeFirst();
  invalidateSenderCache();
  return Number(r.numDeletedRows) > 0;
}

/** Sets (or with null removes) a tenant's extension code on the shared numbers; codes are unique on the platform. */
export async function setTenantCode(db: Db, tenantId: string, code: string | null, now: string): Promise<ExtensionCode | null> {
  if (code !== null && !/^\d{1,8}$/.test(code)) throw new DomainError('invalid_request', 'code must be 1–8 digits', { field: 'code' });
  if (code !== null) {
    const taken = await db.selectFrom('extension_codes').select('tenant_id').where('scope', '=', '*').where('code', '=', code).executeTakeFirst();
    if (taken && taken.tenant_id !== tenantId) throw new DomainError('conflict', `extension code ${code} belongs to another tenant`);
  }
  await db.deleteFrom('extension_codes').where('scope', '=', '*').where('tenant_id', '=', tenantId).execute();
  invalidateSenderCache();
  if (code === null) return null;
  const row: ExtensionCodesTable = { id: newId(), scope: '*', tenant_id: tenantId, campaign_id: null, code, created_at: now };
  await db.insertInto('extension_codes').values(row).execute();
  return toCode(row);
}

/** Sets (or removes) the code of one of the tenant's campaigns, appended after the tenant code; unique within the tenant. */
export async function setCampaignCode(db: Db, tenantId: string, campaignId: string, code: string | null, now: string): Promise<ExtensionCode | null> {
  if (code !== null && !/^\d{1,6}$/.test(code)) throw new DomainError('invalid_request', 'code must be 1–6 digits', { field: 'code' });
  if (code !== null) {
    const taken = await db.selectFrom('extension_codes').select('campaign_id').where('scope', '=', tenantId).where('code', '=', code).executeTakeFirst();
    if (taken && taken.campaign_id !== campaignId) throw new DomainError('conflict', `campaign code ${code} is used by another campaign`);
  }
  await db.deleteFrom('extension_codes').where('scope', '=', tenantId).where('campaign_id', '=', campaignId).execute();
  invalidateSenderCache();
  if (code === null) return null;
  const row: ExtensionCodesTable = { id: newId(), scope: tenantId, tenant_id: tenantId, campaign_id: campaignId, code, created_at: now };
  await db.insertInto('extension_codes').values(row).execute();
  return toCode(row);
}

/** A tenant's codes: its own (campaignId null) and its campaigns'. */
export async function listCodes(db: Db, tenantId: string): Promise<ExtensionCode[]> {
  return (await db.selectFrom('extension_codes').selectAll().where('tenant_id', '=', tenantId).orderBy('code').execute()).map(toCode);
}

/** What attribution needs, loaded at once: every service number and every tenant code. */
export interface AttributionTables { numbers: ServiceNumberRef[]; tenantCodes: ExtensionRef[] }

/** Loads the attribution tables (small: a platform has few numbers and one code per tenant). */
export async function loadAttributionTables(db: Db): Promise<AttributionTables> {
  const [numbers, codes] = await Promise.all([
    db.selectFrom('service_numbers').select(['id', 'number', 'channel_id', 'tenant_id']).execute(),
    db.selectFrom('extension_codes').select(['tenant_id', 'campaign_id', 'code']).where('scope', '=', '*').execute(),
  ]);
  return {
    numbers: numbers.map((n) => ({ id: n.id, number: n.number, channelId: n.channel_id, tenantId: n.tenant_id })),
    tenantCodes: codes.map((c) => ({ tenantId: c.tenant_id, campaignId: null, code: c.code })),
  };
}

/** A tenant's campaign codes. */
export async function campaignCodes(db: Db, tenantId: string): Promise<ExtensionRef[]> {
  const rows = await db.selectFrom('extension_codes').select(['tenant_id', 'campaign_id', 'code']).where('scope', '=', tenantId).execute();
  return rows.map((c) => ({ tenantId: c.tenant_id, campaignId: c.campaign_id, code: c.code }));
}

/** The newest message any tenant sent to a number: attribution of MO to a shared number without an extension. */
export async function lastSenderTo(db: Db, phone: string): Promise<{ tenantId: string; campaignId: string | null } | undefined> {
  const r = await db.selectFrom('messages').select(['tenant_id', 'campaign_id']).where('phone', '=', phone)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return r && { tenantId: r.tenant_id, campaignId: r.campaign_id };
}

/**
 * The sender address for a tenant's message on a channel: its dedicated number (+ campaign code), else a shared
 * number (on that channel, else any) + its tenant code (+ campaign code); null when the platform has no numbers.
 */
export async function senderFor(db: Db, tenantId: string, opts: { channelId?: string | null; campaignId?: string | null } = {}): Promise<string | null> {
  const key = `${tenantId}|${opts.channelId ?? ''}|${opts.campaignId ?? ''}`;
  const hit = senderCache.get(key);
  if (hit && Date.now() - hit.at < senderTtlMs) return hit.sender;
  const sender = await computeSender(db, tenantId, opts);
  if (senderCache.size > 10_000) senderCache.clear();
  senderCache.set(key, { at: Date.now(), sender });
  return sender;
}

/** Sender addresses by tenant, channel and campaign for a few seconds: every send asks, numbers rarely change. */
const senderCache = new Map<string, { at: number; sender: string | null }>();
const senderTtlMs = 5_000;

/** Forgets cached sender addresses (after numbers or codes change in this process). */
export function invalidateSenderCache(): void {
  senderCache.clear();
}

async function computeSender(db: Db, tenantId: string, opts: { channelId?: string | null; campaignId?: string | null }): Promise<string | null> {
  const numbers = await db.selectFrom('service_numbers').select(['id', 'number', 'channel_id', 'tenant_id'])
    .where((eb) => eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', tenantId)])).orderBy('number').execute();
  if (numbers.length === 0) return null;
  const fits = (n: { channel_id: string | null }) => !opts.channelId || n.channel_id === null || n.channel_id === opts.channelId;
  const pick = numbers.find((n) => n.tenant_id === tenantId && fits(n)) ?? numbers.find((n) => n.tenant_id === null && fits(n));
  if (!pick) return null;
  const codes = await db.selectFrom('extension_codes').select(['scope', 'campaign_id', 'code']).where('tenant_id', '=', tenantId).execute();
  const tenantCode = codes.find((c) => c.scope === '*')?.code ?? null;
  const campaignCode = opts.campaignId ? codes.find((c) => c.scope === tenantId && c.campaign_id === opts.campaignId)?.code ?? null : null;
  if (pick.tenant_id) return `${pick.number}${campaignCode ?? ''}`;
  return tenantCode ? `${pick.number}${tenantCode}${campaignCode ?? ''}` : pick.number;
}
