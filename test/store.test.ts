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
