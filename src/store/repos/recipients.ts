import type { Db } from '../database.ts';

/** What pre-flight needs to know about a number that is a contact. */
export interface RecipientFacts { id: string; phone: string; name: string | null; language: string | null; timezone: string | null; fields: Record<string, unknown>; optedOutAt: string | null; carrier: string | null; province: string | null; city: string | null; country: string | null }

/** The tenant's contacts among these E.164 numbers, by phone. */
export async function contactsByPhone(db: Db, tenantId: string, phones: string[]): Promise<Map<string, RecipientFacts>> {
  const out = new Map<string, RecipientFacts>();
  for (let at = 0; at < phones.length; at += 1000) {
    const rows = await db.selectFrom('contacts')
      .select(['id', 'phone', 'name', 'language', 'timezone', 'fields', 'opted_out_at', 'carrier', 'province', 'city', 'country'])
      .where('tenant_id', '=', tenantId).where('phone', 'in', phones.slice(at, at + 1000)).execute();
    for (const r of rows) {
      out.set(r.phone, { id: r.id, phone: r.phone, name: r.name, language: r.language, timezone: r.timezone, fields: JSON.parse(r.fields || '{}') as Record<string, unknown>, optedOutAt: r.opted_out_at, carrier: r.carrier, province: r.province, city: r.city, country: r.country });
    }
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
