// Planner statistics on PostgreSQL: a group just filled (as an import fills it) is analysed before a campaign pages
// through it, and the worker's keeper analyses what changed by more than a tenth; on SQLite there is nothing to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { newId } from '../src/domain/ids.ts';
import { refreshStatistics } from '../src/store/statistics.ts';
import { audienceTables } from '../src/store/repos/recipients.ts';
import { startStatisticsKeeper } from '../src/worker/statistics-keeper.ts';

describe.each(testDatabases)('planner statistics on $name', (database) => {
  let s: TestServer;
  const db = () => s.deps.store.db;

  /** A tenant with a group of n new contacts, inserted as a bulk import would. */
  const fill = async (n: number): Promise<string> => {
    const t = await s.tenant();
    const now = new Date().toISOString();
    const groupId = newId();
    await db().insertInto('groups').values({ id: groupId, tenant_id: t.id, name: 'all', description: null, created_at: now, updated_at: now }).execute();
    for (let at = 0; at < n; at += 500) {
      const contacts = Array.from({ length: Math.min(500, n - at) }, (_, k) => ({
        id: newId(), tenant_id: t.id, phone: `+8613${String(at + k).padStart(9, '0')}`, name: null, language: null, timezone: null, fields: '{}', country: 'CN',
        number_type: 'MOBILE', carrier: null, region: null, province: null, city: null, opted_out_at: null, opted_out_channel: null, created_at: now, updated_at: now,
        last_messaged_at: null, last_replied_at: null,
      }));
      await db().insertInto('contacts').values(contacts).execute();
      await db().insertInto('contact_groups').values(contacts.map((c) => ({ group_id: groupId, contact_id: c.id, tenant_id: t.id, added_at: now }))).execute();
    }
    return groupId;
  };

  /** Rows changed since the table's last analysis, once the server has counted `atLeast` of them (its counts lag a little). */
  const changed = async (table: string, atLeast = 0): Promise<number> => {
    for (let i = 0; ; i++) {
      const { rows } = await sql<{ n: string }>`select n_mod_since_analyze as n from pg_stat_user_tables where relname = ${table} and schemaname = current_schema()`.execute(db());
      const n = Number(rows[0]?.n ?? 0);
      if (n >= atLeast || i >= 100) return n;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    s = await startTestServer(database, { pgAnalyzeSeconds: 0 });
    // autovacuum (where it is on) must not analyse them first
    if (database.name === 'postgres') for (const table of audienceTables) await sql`alter table ${sql.table(table)} set (autovacuum_enabled = false)`.execute(db());
  });
  afterAll(async () => {
    await s?.close();
  });

  it('analyses the audience tables that grew by more than a tenth, and only those, once', async () => {
    await fill(3000);
    if (database.name === 'sqlite') {
      expect(await refreshStatistics(s.deps.store, audienceTables)).toEqual([]);
      return;
    }
    expect(await changed('contact_groups', 3000)).toBeGreaterThanOrEqual(3000);
    expect(await refreshStatistics(s.deps.store, audienceTables)).toEqual(['contact_groups', 'contacts']);
    expect(await changed('contacts')).toBe(0);
    // the planner now knows the group's size (before, it took the table for nearly empty)
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'contact_groups'`.execute(db());
    expect(Number(rows[0].reltuples)).toBeGreaterThanOrEqual(3000);
    expect(await refreshStatistics(s.deps.store, audienceTables)).toEqual([]);
    // a change of less than a tenth leaves the statistics as they are
    await fill(200);
    expect(await refreshStatistics(s.deps.store, audienceTables)).toEqual([]);
  });

  it('the keeper analyses any table that changed enough, by itself', async () => {
    if (database.name === 'sqlite') {
      const keeper = startStatisticsKeeper({ ...s.deps, config: { ...s.deps.config, pgAnalyzeSeconds: 1 } });
      await keeper.stop();
      return;
    }
    await fill(5000);
    expect(await changed('contacts', 5000)).toBeGreaterThanOrEqual(5000);
    const keeper = startStatisticsKeeper({ ...s.deps, config: { ...s.deps.config, pgAnalyzeSeconds: 1 } });
    try {
      for (let i = 0; i < 100 && await changed('contacts') > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await changed('contacts')).toBe(0);
    } finally {
      await keeper.stop();
    }
  });
});
