import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SqlBool } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { contactRow } from '../src/store/repos/contacts.ts';
import { createGroup } from '../src/store/repos/groups.ts';
import { arrivalCursor, createdArrivals, groupArrivals, type Arrival } from '../src/store/repos/welcomes.ts';

const everyone = () => sql<SqlBool>`1 = 1`;

describe.each(testDatabases)('welcome arrivals read by time on $name', (database) => {
  let s: TestServer;
  let t: TestTenant;
  let other: TestTenant;
  const times = ['2027-01-01T00:00:00.000Z', '2027-01-02T00:00:00.000Z', '2027-01-02T00:00:00.000Z', '2027-01-02T00:00:00.000Z', '2027-01-03T00:00:00.000Z', '2027-01-04T00:00:00.000Z'];
  let ids: string[] = [];

  beforeAll(async () => {
    s = await startTestServer(database);
    t = await s.tenant('welcomes');
    other = await s.tenant('welcomes-other');
    const rows = times.map((at, i) => contactRow(t.id, { phone: `+861390000${String(i).padStart(4, '0')}`, source: 'api' }, at));
    await s.deps.store.db.insertInto('contacts').values([...rows, contactRow(other.id, { phone: '+8613900000001', source: 'api' }, times[3])]).execute();
    ids = rows.map((r) => r.id);
  });
  afterAll(async () => { await s?.close(); });

  /** Every page of `page` of two, following the cursor of the last arrival. */
  const all = async (page: (after: string | null) => Promise<Arrival[]>) => {
    const out: string[] = [];
    for (let after: string | null = null, n = 0; n < 10; n++) {
      const arrivals = await page(after);
      if (!arrivals.length) break;
      out.push(...arrivals.map((a) => a.id));
      after = arrivalCursor(arrivals[arrivals.length - 1]);
    }
    return out;
  };
  const inOrder = (pick: number[]) => pick.map((i) => ({ id: ids[i], at: times[i] })).sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id)).map((a) => a.id);

  it('pages the contacts created since a time in (time, id) order, each once, ties at one instant included', async () => {
    const got = await all((after) => createdArrivals(s.deps.store.db, t.id, times[1], { source: 'api' }, everyone, after, 2));
    expect(got).toEqual(inOrder([1, 2, 3, 4, 5]));
  });

  it('pages the joins to a group since a time the same way, only the tenant\'s', async () => {
    const g = await createGroup(s.deps.store.db, t.id, { name: 'vip' }, times[0]);
    await s.deps.store.db.insertInto('contact_groups').values(ids.map((id, i) => ({ group_id: g.id, contact_id: id, tenant_id: t.id, added_at: times[5 - i] }))).execute();
    const got = await all((after) => groupArrivals(s.deps.store.db, t.id, g.id, times[2], everyone, after, 2));
    const joined = ids.map((id, i) => ({ id, at: times[5 - i] })).filter((a) => a.at >= times[2]).sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id)).map((a) => a.id);
    expect(got).toEqual(joined);
    expect(got.length).toBe(5);
    expect(await groupArrivals(s.deps.store.db, other.id, g.id, times[0], everyone, null, 10)).toEqual([]);
  });
});
