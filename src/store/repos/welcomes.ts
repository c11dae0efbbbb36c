import { sql, type SqlBool } from 'kysely';
import type { Db } from '../database.ts';
import type { ContactSource } from '../../domain/contacts.ts';
import type { ContactFilter } from './contacts.ts';
import { contactRow } from './contacts.ts';

/** A contact that entered a welcome trigger: its id, its zone, and when it joined or was created. */
export interface Arrival { id: string; timezone: string | null; at: string }

/** Where a page of arrivals ends: the time and contact id of its last arrival ("<time> <id>"), the next page starts after it. */
export const arrivalCursor = (a: Arrival): string => `${a.at} ${a.id}`;

/** The time and id of a cursor made by arrivalCursor. */
function cursorParts(after: string): [string, string] {
  const space = after.indexOf(' ');
  return [after.slice(0, space), after.slice(space + 1)];
}

/**
 * A page (in join time and contact id order, after the cursor `after`) of the contacts that joined a group of the
 * tenant since `since`, matching `filter`: a range read of the group's joins by time.
 */
export async function groupArrivals(db: Db, tenantId: string, groupId: string, since: string, filter: ContactFilter, after: string | null, limit: number): Promise<Arrival[]> {
  return db.selectFrom('contact_groups').innerJoin('contacts', 'contacts.id', 'contact_groups.contact_id')
    .select(['contacts.id', 'contacts.timezone', 'contact_groups.added_at as at'])
    .where('contact_groups.group_id', '=', groupId).where('contact_groups.added_at', '>=', since).where('contact_groups.tenant_id', '=', tenantId)
    .where('contacts.tenant_id', '=', tenantId).where((eb) => filter(eb as never))
    .$if(after !== null, (q) => { const [at, id] = cursorParts(after!); return q.where(sql<SqlBool>`(contact_groups.added_at, contact_groups.contact_id) > (${at}, ${id})`); })
    .orderBy('contact_groups.added_at').orderBy('contact_groups.contact_id').limit(limit).execute();
}

/** Which contacts a creation trigger takes: from one source, and for imports from some of them only. */
export interface CreatedFrom { source?: ContactSource; importIds?: string[] }

/**
 * A page (in creation time and id order, after the cursor `after`) of the tenant's contacts created since `since` from
 * where `from` says, matching `filter`: a range read of the tenant's contacts by creation time.
 */
export async function createdArrivals(db: Db, tenantId: string, since: string, from: CreatedFrom, filter: ContactFilter, after: string | null, limit: number): Promise<Arrival[]> {
  return db.selectFrom('contacts').select(['contacts.id', 'contacts.timezone', 'contacts.created_at as at'])
    .where('contacts.tenant_id', '=', tenantId).where('contacts.created_at', '>=', since)
    .$if(!!from.source, (q) => q.where('contacts.source', '=', from.source!))
    .$if(!!from.importIds, (q) => q.where('contacts.import_id', 'in', from.importIds!.length ? from.importIds! : ['']))
    .where((eb) => filter(eb as never))
    .$if(after !== null, (q) => { const [at, id] = cursorParts(after!); return q.where(sql<SqlBool>`(contacts.created_at, contacts.id) > (${at}, ${id})`); })
    .orderBy('contacts.created_at').orderBy('contacts.id').limit(limit).execute();
}

/** The tenant's imports whose file name matches a pattern (* = any text, case-insensitive) and that may have created contacts since `since`. */
export async function importsNamed(db: Db, tenantId: string, pattern: string, since: string): Promise<string[]> {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'iu');
  const rows = await db.selectFrom('imports').select(['id', 'file_name']).where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '>=', since)])).execute();
  return rows.filter((r) => re.test(r.file_name)).map((r) => r.id);
}

/**
 * A page (in response id order, after `after`) of the joins to a subscription list since `since`: the valid `join`
 * responses the subscription service keeps. A joiner the tenant has no contact for gets one (source sms), so the
 * welcome can reach it; the contacts are then matched against `filter`.
 */
export async function subscriptionArrivals(db: Db, tenantId: string, serviceId: string, since: string, filter: ContactFilter, after: string | null, limit: number, now: string): Promise<{ arrivals: Arrival[]; last: string | null }> {
  const joins = await db.selectFrom('service_responses').select(['id', 'phone', 'received_at']).where('tenant_id', '=', tenantId).where('service_id', '=', serviceId)
    .where('category', '=', 'join').where('valid', '=', 1).where('received_at', '>=', since)
    .$if(after !== null, (q) => q.where('id', '>', after!)).orderBy('id').limit(limit).execute();
  if (!joins.length) return { arrivals: [], last: null };
  const mobiles = [...new Set(joins.map((j) => j.phone).filter((p) => /^\+\d{6,15}$/.test(p)))];
  if (mobiles.length) {
    await db.insertInto('contacts').values(mobiles.map((phone) => contactRow(tenantId, { phone, source: 'sms' }, now)))
      .onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing()).execute();
  }
  const arrivals = await db.selectFrom('service_responses').innerJoin('contacts', (j) => j.onRef('contacts.tenant_id', '=', 'service_responses.tenant_id').onRef('contacts.phone', '=', 'service_responses.phone'))
    .select(['contacts.id', 'contacts.timezone', 'service_responses.received_at as at'])
    .where('service_responses.id', 'in', joins.map((j) => j.id)).where('contacts.tenant_id', '=', tenantId).where((eb) => filter(eb as never))
    .orderBy('service_responses.received_at').execute();
  return { arrivals, last: joins[joins.length - 1].id };
}
