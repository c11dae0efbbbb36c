import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { openStore } from '../src/store/dialect.ts';
import { migrate } from '../src/store/migrations/index.ts';
import { createTenant, findTenantBySlug } from '../src/store/repos/tenants.ts';
import { newId } from '../src/domain/ids.ts';

function target(url: string) {
  return url.startsWith('sqlite:') ? { dialect: 'sqlite' as const, file: url.slice(7) } : { dialect: 'postgres' as const, url };
}

describe.each(testDatabases)('store on $name', (database) => {
  it('migrates idempotently, keeps data across reopen, and keeps 64-bit money exact', async () => {
    const created = await database.create();
    try {
      let store = openStore(target(created.url));
      expect((await migrate(store.db)).length).toBeGreaterThan(0);
      expect(await migrate(store.db)).toEqual([]);
      const t = await createTenant(store.db, { slug: 'keep' });
      const big = 9_007_199_254_740_993n; // 2^53 + 1: not representable as a JS number
      await sql`update tenants set balance = ${big.toString()} where id = ${t.id}`.execute(store.db);
      await store.close();
      store = openStore(target(created.url));
      expect(await migrate(store.db)).toEqual([]);
      const again = await findTenantBySlug(store.db, 'keep');
      expect(again?.id).toBe(t.id);
      expect(again?.balance).toBe(big);
      await store.close();
    } finally {
      await created.drop();
    }
  });
});

describe.each(testDatabases)('housekeeping on $name', (database) => {
  it('purges expired sessions, old idempotency keys and old carrier logs, and keeps fresh ones', async () => {
    const { startTestServer } = await import('./support/server.ts');
    const { purgeExpired } = await import('../src/worker/housekeeping.ts');
    const s = await startTestServer(database, { channelLogDays: 1 });
    try {
      const db = s.deps.store.db;
      const t = await s.tenant();
      const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const fresh = new Date().toISOString();
      await db.insertInto('idempotency_keys').values([
        { tenant_id: t.id, key: 'old', request_hash: 'h', status_code: 202, response: '{}', created_at: old },
        { tenant_id: t.id, key: 'new', request_hash: 'h', status_code: 202, response: '{}', created_at: fresh },
      ]).execute();
      const message = (id: string, at: string) => ({
        id, tenant_id: t.id, campaign_id: null, contact_id: null, phone: '+8613800138000', sender: null, text: 'hi', category: 'notification', priority: 1,
        status: 'delivered', reason: null, segments: 1, price: 5, channel_id: null, route_id: null, carrier: null, region: null, carrier_ids: null, parts_done: 1,
        carrier_stat: null, carrier_err: null, error: null, attempts: 1, resubmitted: 0, not_before: null, lease_owner: null, lease_until: null,
        created_at: at, submitted_at: at, done_at: at, channel_log: `${at} → submit_sm seq=1`,
      });
      // the third was created long ago but sent just now (it waited for its schedule): its log is fresh
      const [gone, kept, late] = [newId(Date.parse(old)), newId(), newId(Date.parse(old) + 1)];
      await db.insertInto('messages').values([message(gone, old), message(kept, fresh), { ...message(late, old), submitted_at: fresh }]).execute();
      const marks = { channelLog: '' };
      await purgeExpired(s.deps, marks);
      await purgeExpired(s.deps, marks);
      expect((await db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key)).toEqual(['new']);
      const logs = new Map((await db.selectFrom('messages').select(['id', 'channel_log']).execute()).map((r) => [r.id, r.channel_log]));
      expect([logs.get(gone), logs.get(late), logs.get(kept)]).toEqual([null, `${old} → submit_sm seq=1`, `${fresh} → submit_sm seq=1`]);
    } finally {
      await s.close();
    }
  });
});
