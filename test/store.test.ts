import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { openStore } from '../src/store/dialect.ts';
import { migrate } from '../src/store/migrations/index.ts';
import { createTenant, findTenantBySlug } from '../src/store/repos/tenants.ts';

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
  it('purges expired sessions, old idempotency keys and old carrier log lines, and keeps fresh ones', async () => {
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
      await db.insertInto('channel_log').values([
        { message_id: 'm1', at: old, direction: 'out', summary: 'old' },
        { message_id: 'm2', at: fresh, direction: 'out', summary: 'new' },
      ]).execute();
      await purgeExpired(s.deps);
      expect((await db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key)).toEqual(['new']);
      expect((await db.selectFrom('channel_log').select('summary').execute()).map((r) => r.summary)).toEqual(['new']);
    } finally {
      await s.close();
    }
  });
});
