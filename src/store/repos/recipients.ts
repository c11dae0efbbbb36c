import type { Db } from '../database.ts';

/** What pre-flight needs to know about a number that is a contact. */
export interface RecipientFacts { id: string; phone: string; name: string | null; language: string | null; timezone: string | null; fields: Record<string, unknown>; optedOutAt: string | null; carrier: string | null; province: string | null; city: string | null; country: string | null }

import type { ContactFilter } from './contacts.ts';
import type { DialectName } from '../dialect.ts';
import { customFieldText } from './segments.ts';
import { paddedChunks, placeholderList, runStatement, type BulkTarget } from '../bulk.ts';

const factColumns = ['id', 'phone', 'name', 'language', 'timezone', 'fields', 'opted_out_at', 'carrier', 'province', 'city', 'country'] as const;
const factList = factColumns.join(', ');
type FactRow = { id: string; phone: string; name: string | null; language: string | null; timezone: string | null; fields: string; opted_out_at: string | null; carrier: string | null; province: string | null; city: string | null; country: string | null };
const toFacts = (r: FactRow): RecipientFacts => ({ id: r.id, phone: r.phone, name: r.name, language: r.language, timezone: r.timezone, fields: !r.fields || r.fields === '{}' ? {} : JSON.parse(r.fields) as Record<string, unknown>, optedOutAt: r.opted_out_at, carrier: r.carrier, province: r.province, city: r.city, country: r.country });

/** The tables an audience's filter reads (their planner statistics matter to its pages: `refreshStatistics`). */
export const audienceTables = ['contacts', 'contact_groups', 'contact_tags'] as const;

/** A page of an audience's contacts in id order after `after`, with what pre-flight needs. */
export async function contactPage(db: Db, tenantId: string, filter: ContactFilter, after: string | null, limit: number): Promise<RecipientFacts[]> {
  const rows = await db.selectFrom('contacts').select(factColumns).where('tenant_id', '=', tenantId)
    .$if(after !== null, (q) => q.where('id', '>', after!)).where(filter).orderBy('id').limit(limit).execute();
  return rows.map(toFacts);
}

/** The tenant's contacts among these E.164 numbers, by phone (statements prepared once per list size, padded). */
export async function contactsByPhone(t: BulkTarget, tenantId: string, phones: string[]): Promise<Map<string, RecipientFacts>> {
  const out = new Map<string, RecipientFacts>();
  for (const chunk of paddedChunks(phones)) {
    const rows = await runStatement<FactRow>(t, `select ${factList} from contacts where tenant_id = ? and phone in (${placeholderList(chunk.length)})`, [tenantId, ...chunk]);
    for (const r of rows) out.set(r.phone, toFacts(r));
  }
  return out;
}

/** A contact as an event needs it: its id and zone. */
export interface ContactZone { id: string; timezone: string | null }

/** The id and zone of the tenant's contacts among these E.164 numbers, by phone (statements prepared once; no fields parsed). */
export async function contactZonesByPhone(t: BulkTarget, tenantId: string, phones: string[]): Promise<Map<string, ContactZone>> {
  const out = new Map<string, ContactZone>();
  for (let at = 0; at < phones.length; at += 500) {
    const list = phones.slice(at, at + 500);
    const rows = await runStatement<{ id: string; phone: string; timezone: string | null }>(t, `select id, phone, timezone from contacts where tenant_id = ? and phone in (${placeholderList(list.length)})`, [tenantId, ...list]);
    for (const r of rows) out.set(r.phone, { id: r.id, timezone: r.timezone });
  }
  return out;
}

/** The tenant's contacts whose custom field `externalId` (an enterprise system's id) is one of these values, by that value. */
export async function contactsByExternalId(db: Db, dialect: DialectName, tenantId: string, ids: string[]): Promise<Map<string, RecipientFacts>> {
  const out = new Map<string, RecipientFacts>();
  const field = customFieldText(dialect, 'externalId');
  for (let at = 0; at < ids.length; at += 500) {
    const rows = await db.selectFrom('contacts').select([...factColumns, field.as('external_id')]).where('tenant_id', '=', tenantId)
      .where((eb) => eb(field as never, 'in', ids.slice(at, at + 500) as never)).execute();
    for (const r of rows) out.set(String(r.external_id), toFacts(r as FactRow));
  }
  return out;
}

/** Send times of the tenant's messages to these numbers since `since` (excluded ones don't count), for frequency caps. */
export async function recentSends(db: Db, tenantId: string, phones: string[], since: string, category?: string): Promise<Map<string, Date[]>> {
  const out = new Map<string, Date[]>();
  for (let at = 0; at < phones.length; at += 1000) {
    const rows = await db.selectFrom('messages').select(['phone', 'created_at'])
      .where('tenant_id', '=', tenantId).where('phone', 'in', phones.slice(at, at + 1000)).where('created_at', '>=', since)
      .where('status', '<>', 'excluded')
      .$if(!!category, (q) => q.where('category', '=', category!))
      .execute();
    for (const r of rows) {
      const list = out.get(r.phone) ?? [];
      list.push(new Date(r.created_at));
      out.set(r.phone, list);
    }
  }
  return out;
}

/** Whether any blocklist (tenant or platform) or suppression entry could apply to the tenant: skips per-number lookups when none. */
export async function hasExclusionLists(db: Db, tenantId: string): Promise<{ blocklist: boolean; suppressions: boolean }> {
  const [b, s] = await Promise.all([
    db.selectFrom('blocklist').select('id').where('scope', 'in', [tenantId, '*']).limit(1).executeTakeFirst(),
    db.selectFrom('suppressions').select('phone_hash').where('tenant_id', '=', tenantId).limit(1).executeTakeFirst(),
  ]);
  return { blocklist: !!b, suppressions: !!s };
}
