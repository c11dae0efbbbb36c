import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { until } from './support/until.ts';
import { campaignSpec } from '../src/worker/scheduler.ts';
import { Preparer, storePrepared } from '../src/worker/outbox.ts';
import { getCampaign } from '../src/store/repos/campaigns.ts';

describe.each(testDatabases)('campaign batches that fail to store or repeat numbers on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let t: TestTenant;

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s);
    t = await s.tenant('retry');
    await credit(s, carrier, t, 100000);
    // a fault the database raises on storing a campaign's messages while test_fault has a row
    const db = s.deps.store.db;
    await sql`create table test_fault (id integer)`.execute(db);
    if (database.name === 'sqlite') {
      await sql`create trigger test_fault_once before insert on messages when new.campaign_id is not null and exists (select 1 from test_fault) begin select raise(abort, 'injected fault'); end`.execute(db);
    } else {
      await sql.raw(`create function test_fault_once() returns trigger language plpgsql as $$ begin
        if new.campaign_id is not null and exists (select 1 from test_fault) then raise exception 'injected fault'; end if; return new; end $$`).execute(db);
      await sql`create trigger test_fault_once before insert on messages for each row execute function test_fault_once()`.execute(db);
    }
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const balance = async () => BigInt((await s.app.inject({ url: '/api/v1/tenant', headers: t.headers })).json().balance);
  const messagesOf = async (id: string): Promise<{ to: string; status: string; price: string }[]> =>
    (await s.app.inject({ url: `/api/v1/messages?campaignId=${id}&limit=100`, headers: t.headers })).json().messages;
  const draft = async (name: string, numbers: string[]) => {
    const c = await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: t.headers, payload: { name, audience: { numbers }, text: '会员日通知', category: 'notification' } });
    expect(c.statusCode, c.body).toBe(201);
    return c.json().id as string;
  };

  it('retries a batch whose store failed: every number gets exactly one message, charged once', async () => {
    const numbers = Array.from({ length: 20 }, (_, i) => `+86138001${String(i).padStart(5, '0')}`);
    const before = await balance();
    await sql`insert into test_fault (id) values (1)`.execute(s.deps.store.db);
    let failures = 0;
    const error = s.deps.log.error.bind(s.deps.log);
    s.deps.log.error = ((obj: unknown, msg?: string) => {
      if (msg === 'campaign step failed') failures++;
      return error(obj as object, msg);
    }) as typeof s.deps.log.error;
    try {
      const id = await draft('retry', numbers);
      expect((await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/start`, headers: t.headers })).statusCode).toBe(200);
      await waitFor(() => failures > 0, 'the injected store failure');
      expect(await messagesOf(id)).toHaveLength(0);
      await sql`delete from test_fault`.execute(s.deps.store.db);
      await waitFor(async () => (await s.app.inject({ url: `/api/v1/campaigns/${id}`, headers: t.headers })).json().status === 'completed', 'completion');
      const messages = await until('delivery', async () => { const x = await messagesOf(id); return x.every((m) => m.status === 'delivered') && x; });
      expect(messages.map((m) => m.to).sort()).toEqual(numbers);
      expect((await getCampaign(s.deps.store.db, t.id, id))!.cursor.duplicates ?? 0).toBe(0);
      expect(before - await balance()).toBe(messages.reduce((sum, m) => sum + BigInt(m.price), 0n));
    } finally {
      s.deps.log.error = error;
      await sql`delete from test_fault`.execute(s.deps.store.db);
    }
  });

  it('reserves only the messages stored when the unique index skips numbers repeated across batches', async () => {
    const id = await draft('repeats', ['+8613900000001']);
    const c = (await getCampaign(s.deps.store.db, t.id, id))!;
    const store = async (preparer: Preparer, phones: string[]) => {
      const skipped = await storePrepared(s.deps, t.id, await preparer.prepare(phones.map((phone) => ({ phone }))), { campaignId: id, note: 'test' });
      preparer.commit();
      return skipped!.size;
    };
    const before = await balance();
    expect(await store(new Preparer(s.deps, await campaignSpec(s.deps, c)), ['+8613900000001', '+8613900000002', '+8613900000003'])).toBe(0);
    // the next batch, prepared by a worker that did not prepare the first (a restart or another node): two repeat
    expect(await store(new Preparer(s.deps, await campaignSpec(s.deps, c)), ['+8613900000002', '+8613900000003', '+8613900000004'])).toBe(2);
    const messages = await messagesOf(id);
    expect(messages.map((m) => m.to).sort()).toEqual(['+8613900000001', '+8613900000002', '+8613900000003', '+8613900000004']);
    const stored = messages.reduce((sum, m) => sum + BigInt(m.price), 0n);
    expect(stored).toBeGreaterThan(0n);
    expect(before - await balance()).toBe(stored);
  });
});
