import type { Db } from '../database.ts';
import { suppressionHash } from '../../domain/contacts.ts';
import { deleteContact, findContactByPhone, type Contact } from './contacts.ts';
import { listConsents, type Consent } from './consents.ts';

/** Everything stored about one number in a tenant: the data-subject access export. */
export interface SubjectData {
  phone: string; contact: Contact | null; consents: Consent[];
  blocked: { scope: 'tenant' | 'platform'; reason: string | null; createdAt: string }[];
  suppressed: boolean;
}

/** Whether an erased number is on the tenant's suppression list. */
export async function isSuppressed(db: Db, tenantId: string, phone: string): Promise<boolean> {
  return (await suppressedAmong(db, tenantId, [phone])).size > 0;
}

/** Which of these numbers were erased and must never be messaged again. */
export async function suppressedAmong(db: Db, tenantId: string, phones: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let at = 0; at < phones.length; at += 900) {
    const byHash = new Map(phones.slice(at, at + 900).map((p) => [suppressionHash(tenantId, p), p]));
    const rows = await db.selectFrom('suppressions').select('phone_hash').where('tenant_id', '=', tenantId).where('phone_hash', 'in', [...byHash.keys()]).execute();
    for (const r of rows) out.add(byHash.get(r.phone_hash)!);
  }
  return out;
}

/** Every suppression hash of the tenant (erasures are rare, so the set is small), for checking many numbers in memory. */
export async function suppressionHashes(db: Db, tenantId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('suppressions').select('phone_hash').where('tenant_id', '=', tenantId).execute();
  return new Set(rows.map((r) => r.phone_hash));
}

/** Collects everything the tenant holds about a number. */
export async function exportSubject(db: Db, tenantId: string, phone: string): Promise<SubjectData> {
  const contact = (await findContactByPhone(db, tenantId, phone)) ?? null;
  const consents = contact ? await listConsents(db, tenantId, contact.id) : [];
  const blocks = await db.selectFrom('blocklist').select(['scope', 'reason', 'created_at']).where('scope', 'in', [tenantId, '*']).where('phone', '=', phone).execute();
  return {
    phone, contact, consents,
    blocked: blocks.map((b) => ({ scope: b.scope === '*' ? 'platform' as const : 'tenant' as const, reason: b.reason, createdAt: b.created_at })),
    suppressed: await isSuppressed(db, tenantId, phone),
  };
}

/**
 * Erases a number from a tenant: the contact, its tags, memberships, consents and tenant blocklist entry go;
 * only a salted hash stays in the suppression list. Returns whether a contact existed.
 */
export async function eraseSubject(db: Db, tenantId: string, phone: string, now: string): Promise<boolean> {
  const contact = await findContactByPhone(db, tenantId, phone);
  if (contact) await deleteContact(db, tenantId, contact.id);
  await db.deleteFrom('blocklist').where('scope', '=', tenantId).where('phone', '=', phone).execute();
  await db.insertInto('suppressions').values({ tenant_id: tenantId, phone_hash: suppressionHash(tenantId, phone), reason: 'erased', created_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'phone_hash']).doNothing()).execute();
  return contact !== undefined;
}
