import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { buildDeps, closeDeps, type Deps } from '../src/deps.ts';
import { AutomationEngine } from '../src/automations/engine.ts';

// Two worker nodes, each with its own database connection (pool), materialise and send the same day at the same time.
describe.each(testDatabases)('automations with two workers at once on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let t: TestTenant;
  let second: Deps;
  let clock = new Date('2027-02-01T00:00:00Z');
  const contacts = 300;

  beforeAll(async () => {
    s = await startTestServer(database, {}, { now: () => clock });
    carrier = await startCarrier(s);
    t = await s.tenant('race');
    await credit(s, carrier, t, 1_000_000);
    second = await buildDeps(s.config, { log: pino({ level: 'silent' }), now: () => clock, migrate: false });
    const rows = Array.from({ length: contacts }, (_, i) => ({
      phone: `1380000${String(i).padStart(4, '0')}`,
      // a third lunar: Chinese New Year's Eve 2027 is the 29th of the twelfth month of lunar 2026 (2027-02-05)
      fields: i % 3 === 0 ? { birthday: '1970-12-29', cal: 'lunar' } : { birthday: '1990-02-05' },
    }));
    for (const r of rows) expect((await s.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: t.headers, payload: r })).statusCode).toBe(201);
  });
  afterAll(async () => {
    if (second) await closeDeps(second);
    await carrier?.stop();
    await s?.close();
  });

  it('gives each (rule, contact, year) one occurrence and one message', async () => {
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/automations', headers: t.headers, payload: { name: 'race', category: 'notification', trigger: { type: 'date', field: 'birthday', calendarField: 'cal' }, steps: [{ at: '09:00', text: '生日快乐' }] } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/automations/${id}/on`, headers: t.headers })).statusCode).toBe(200);
    const engines = [new AutomationEngine(s.deps, 'node-a'), new AutomationEngine(second, 'node-b'), new AutomationEngine(s.deps, 'node-c'), new AutomationEngine(second, 'node-d')];
    const runs = await Promise.all(engines.map((e) => e.round()));
    // (the carrier's worker runs the same rounds in the background and may add or send some itself)
    expect(runs.reduce((n, r) => n + (r.runs.get(id)?.added ?? 0), 0)).toBeLessThanOrEqual(contacts);
    const occ = await s.deps.store.db.selectFrom('automation_occurrences').select(['id', 'due_at']).where('automation_id', '=', id).execute();
    expect(occ).toHaveLength(contacts);
    expect(new Set(occ.map((o) => o.due_at))).toEqual(new Set(['2027-02-05T01:00:00.000Z']));
    clock = new Date('2027-02-05T01:00:10Z');
    const sends = await Promise.all([...engines, ...engines].map((e) => e.round()));
    expect(sends.reduce((n, r) => n + r.sent.sent, 0)).toBeLessThanOrEqual(contacts);
    await waitFor(async () => !await s.deps.store.db.selectFrom('automation_occurrences').select('id').where('status', '=', 'pending').executeTakeFirst(), 'every occurrence sent');
    const messages = await s.deps.store.db.selectFrom('messages').select(['campaign_id', 'phone']).where('tenant_id', '=', t.id).execute();
    expect(messages).toHaveLength(contacts);
    expect(new Set(messages.map((m) => m.phone)).size).toBe(contacts);
    expect(new Set(messages.map((m) => m.campaign_id))).toEqual(new Set(occ.map((o) => o.id)));
    carrier.worker.dispatcher.poke();
    await waitFor(async () => Number((await s.deps.store.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', t.id).where('status', '=', 'delivered').executeTakeFirst())?.n) === contacts, 'every greeting delivered');
    // the carrier saw each greeting once
    expect(carrier.simulator.stats()).toMatchObject({ uniqueMessages: contacts, duplicates: 0 });
  });
});
