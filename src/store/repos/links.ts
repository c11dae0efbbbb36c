import type { Db, LinksTable } from '../database.ts';
import type { Store } from '../dialect.ts';
import { withSqlite } from '../hot.ts';
import { insertRows, paddedChunks, placeholderList, type BulkTarget } from '../bulk.ts';
import { newId } from '../../domain/ids.ts';

/** A link made for one message, stored with it. */
export interface NewLink { code: string; url: string; expiresAt: string }

/** Stores the links of stored messages (in the transaction that stores them). */
export async function insertLinks(db: Db, rows: { tenantId: string; campaignId: string | null; id: string; phone: string; createdAt: string; links?: NewLink[] }[]): Promise<void> {
  const values: LinksTable[] = rows.flatMap((r) => (r.links ?? []).map((l) => ({
    code: l.code, tenant_id: r.tenantId, url: l.url, campaign_id: r.campaignId, message_id: r.id, phone: r.phone, created_at: r.createdAt, expires_at: l.expiresAt,
  })));
  for (let i = 0; i < values.length; i += 500) await db.insertInto('links').values(values.slice(i, i + 500)).execute();
}

/** The links of some codes (any tenant: the code is all a click carries, and it is unguessable), read together. */
export async function findLinks(store: Store, codes: string[]): Promise<LinksTable[]> {
  const found: LinksTable[] = [];
  for (const chunk of paddedChunks(codes)) {
    const rows = store.sqlite
      ? await withSqlite(store, (prepare) => prepare(`select * from links where code in (${placeholderList(chunk.length)})`).all(chunk) as LinksTable[])
      : await store.db.selectFrom('links').selectAll().where('code', 'in', chunk).execute();
    found.push(...rows);
  }
  return found;
}

/** One open of a link to record. */
export interface NewClick { link: LinksTable; at: string; userAgent: string | null; addressHash: string; bot: boolean }

const clickColumns = ['id', 'code', 'tenant_id', 'campaign_id', 'at', 'user_agent', 'address_hash', 'bot'] as const;

/** Records opens of links in multi-row statements (prepared once on SQLite; call it inside a transaction there). */
export async function recordClicks(t: BulkTarget, clicks: NewClick[]): Promise<void> {
  await insertRows(t, 'link_clicks', clickColumns, clicks.map((c) => [
    newId(), c.link.code, c.link.tenant_id, c.link.campaign_id, c.at, c.userAgent?.slice(0, 500) ?? null, c.addressHash, c.bot ? 1 : 0,
  ]));
}

/** Click statistics of a campaign (or of API sends when campaignId is null): links sent, clicks by people, CTR, per day, per region. */
export interface LinkStats {
  links: number; recipients: number; clicks: number; uniqueClicks: number; botFetches: number; clickThroughRate: number;
  byDay: { day: string; clicks: number }[]; byRegion: { region: string; clicks: number }[];
}

/** The click statistics of one campaign of the tenant. */
export async function linkStats(db: Db, tenantId: string, campaignId: string): Promise<LinkStats> {
  const sent = await db.selectFrom('links').select((eb) => [eb.fn.countAll<number>().as('links'), eb.fn.count<number>('phone').distinct().as('recipients')])
    .where('tenant_id', '=', tenantId).where('campaign_id', '=', campaignId).executeTakeFirstOrThrow();
  const clicks = await db.selectFrom('link_clicks').innerJoin('links', 'links.code', 'link_clicks.code')
    .leftJoin('messages', 'messages.id', 'links.message_id')
    .select(['link_clicks.at', 'link_clicks.bot', 'links.phone', 'messages.region'])
    .where('link_clicks.tenant_id', '=', tenantId).where('link_clicks.campaign_id', '=', campaignId).execute();
  const people = clicks.filter((c) => c.bot === 0);
  const clickers = new Set(people.map((c) => c.phone ?? ''));
  const byDay = new Map<string, number>();
  const byRegion = new Map<string, number>();
  for (const c of people) {
    byDay.set(c.at.slice(0, 10), (byDay.get(c.at.slice(0, 10)) ?? 0) + 1);
    const region = c.region ?? 'unknown';
    byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
  }
  const recipients = Number(sent.recipients);
  return {
    links: Number(sent.links), recipients, clicks: people.length, uniqueClicks: clickers.size, botFetches: clicks.length - people.length,
    clickThroughRate: recipients ? clickers.size / recipients : 0,
    byDay: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, n]) => ({ day, clicks: n })),
    byRegion: [...byRegion].sort((a, b) => b[1] - a[1]).map(([region, n]) => ({ region, clicks: n })),
  };
}
