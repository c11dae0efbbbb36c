import type { Db } from '../database.ts';

/** Whether a number is unknown to every tenant: no contact, no message, no MO attributed, no virtual handset. */
export async function numberUnused(db: Db, phone: string): Promise<boolean> {
  const [contact, message, inbound, handset] = await Promise.all([
    db.selectFrom('contacts').select('id').where('phone', '=', phone).limit(1).executeTakeFirst(),
    db.selectFrom('messages').select('id').where('phone', '=', phone).limit(1).executeTakeFirst(),
    db.selectFrom('inbound_messages').select('id').where('phone', '=', phone).limit(1).executeTakeFirst(),
    db.selectFrom('virtual_handsets').select('number').where('number', '=', phone).executeTakeFirst(),
  ]);
  return !contact && !message && !inbound && !handset;
}

/** Gives a number to a tenant as its virtual handset (false when another took it first). */
export async function createHandset(db: Db, tenantId: string, phone: string, now: string): Promise<boolean> {
  const r = await db.insertInto('virtual_handsets').values({ number: phone, tenant_id: tenantId, created_at: now })
    .onConflict((oc) => oc.column('number').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The virtual handsets of a tenant, newest first. */
export async function tenantHandsets(db: Db, tenantId: string): Promise<string[]> {
  return (await db.selectFrom('virtual_handsets').select('number').where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(1000).execute()).map((r) => r.number);
}

/** Whether a number is a virtual handset of this tenant. */
export async function ownsHandset(db: Db, tenantId: string, phone: string): Promise<boolean> {
  return !!await db.selectFrom('virtual_handsets').select('number').where('tenant_id', '=', tenantId).where('number', '=', phone).executeTakeFirst();
}

/** The tenant whose virtual handset a number is, if any. */
export async function handsetOwner(db: Db, phone: string): Promise<string | undefined> {
  return (await db.selectFrom('virtual_handsets').select('tenant_id').where('number', '=', phone).executeTakeFirst())?.tenant_id;
}
