import type { ConsentsTable, Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';

/** What consent is for. */
export type ConsentPurpose = 'marketing' | 'notification';

/** Consent evidence: how, when and on what terms a contact agreed (or withdrew). */
export interface Consent {
  id: string; contactId: string; purpose: ConsentPurpose; status: 'granted' | 'withdrawn' | 'pending' | 'expired'; source: string;
  textShown: string | null; ip: string | null; keyword: string | null; at: string; withdrawnAt: string | null; retainUntil: string | null;
}

function toConsent(r: ConsentsTable): Consent {
  return {
    id: r.id, contactId: r.contact_id, purpose: r.purpose as ConsentPurpose, status: r.status as Consent['status'], source: r.source,
    textShown: r.text_shown, ip: r.ip, keyword: r.keyword, at: r.at, withdrawnAt: r.withdrawn_at, retainUntil: r.retain_until,
  };
}

/** Records that a contact of the tenant gave consent (or, `pending`, a consent to be confirmed by SMS), with its evidence. */
export async function grantConsent(db: Db, tenantId: string, input: {
  contactId: string; purpose: ConsentPurpose; source: string; textShown?: string | null; ip?: string | null; keyword?: string | null; at: string; status?: 'granted' | 'pending';
}): Promise<Consent> {
  const row: ConsentsTable = {
    id: newId(), tenant_id: tenantId, contact_id: input.contactId, purpose: input.purpose, status: input.status ?? 'granted', source: input.source,
    text_shown: input.textShown ?? null, ip: input.ip ?? null, keyword: input.keyword ?? null, at: input.at, withdrawn_at: null, retain_until: null,
  };
  await db.insertInto('consents').values(row).execute();
  return toConsent(row);
}

/** Withdraws a contact's standing consent for a purpose; the evidence is kept until `retainUntil`. Returns how many were withdrawn. */
export async function withdrawConsent(db: Db, tenantId: string, contactId: string, purpose: ConsentPurpose, at: string, retainUntil: string): Promise<number> {
  const r = await db.updateTable('consents').set({ status: 'withdrawn', withdrawn_at: at, retain_until: retainUntil })
    .where('tenant_id', '=', tenantId).where('contact_id', '=', contactId).where('purpose', '=', purpose).where('status', '=', 'granted')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The consent history of a contact of the tenant, oldest first. */
export async function listConsents(db: Db, tenantId: string, contactId: string): Promise<Consent[]> {
  const rows = await db.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId).where('contact_id', '=', contactId).orderBy('at').execute();
  return rows.map(toConsent);
}

/** Which of these numbers have a consent for a purpose in this state. */
async function phonesWithConsent(db: Db, tenantId: string, phones: string[], purpose: ConsentPurpose, status: Consent['status']): Promise<Set<string>> {
  const out = new Set<string>();
  for (let at = 0; at < phones.length; at += 900) {
    const rows = await db.selectFrom('consents').innerJoin('contacts', 'contacts.id', 'consents.contact_id').select('contacts.phone')
      .where('consents.tenant_id', '=', tenantId).where('consents.purpose', '=', purpose).where('consents.status', '=', status)
      .where('contacts.phone', 'in', phones.slice(at, at + 900)).execute();
    for (const r of rows) out.add(r.phone);
  }
  return out;
}

/** Which of these numbers have standing consent for a purpose. */
export function consentedAmong(db: Db, tenantId: string, phones: string[], purpose: ConsentPurpose): Promise<Set<string>> {
  return phonesWithConsent(db, tenantId, phones, purpose, 'granted');
}

/** Which of these numbers have a consent for a purpose that still waits for its confirmation reply (double opt-in). */
export function pendingAmong(db: Db, tenantId: string, phones: string[], purpose: ConsentPurpose): Promise<Set<string>> {
  return phonesWithConsent(db, tenantId, phones, purpose, 'pending');
}

/** Deletes withdrawn consent evidence whose retention ended; returns how many records went. */
export async function purgeExpiredConsents(db: Db, now: string): Promise<number> {
  const r = await db.deleteFrom('consents').where('status', '=', 'withdrawn').where('retain_until', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Confirms a contact's pending consent given since `since` (double opt-in): granted, with the confirming word and the MO kept as evidence. */
export async function confirmPendingConsent(db: Db, tenantId: string, contactId: string, since: string, evidence: { keyword: string; inboundId: string }): Promise<boolean> {
  const pending = await db.selectFrom('consents').select(['id', 'source']).where('tenant_id', '=', tenantId).where('contact_id', '=', contactId)
    .where('status', '=', 'pending').where('at', '>=', since).orderBy('at', 'desc').executeTakeFirst();
  if (!pending) return false;
  const r = await db.updateTable('consents').set({ status: 'granted', keyword: evidence.keyword, source: `${pending.source} · confirmed by sms:${evidence.inboundId}` })
    .where('id', '=', pending.id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Expires pending consents not confirmed since `before` (they never count as consent). Returns how many. */
export async function expirePendingConsents(db: Db, before: string): Promise<number> {
  const r = await db.updateTable('consents').set({ status: 'expired' }).where('status', '=', 'pending').where('at', '<', before).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
