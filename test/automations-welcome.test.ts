import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { multipart } from './support/multipart.ts';
import { AutomationEngine } from '../src/automations/engine.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';

const SHARED = '10690007';
const ADDR = `${SHARED}21`;

describe.each(testDatabases)('welcome automations on joining a subscription list and on creation from a source, on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let t: TestTenant;
  let offsetMs = 0;
  let engine: AutomationEngine;

  beforeAll(async () => {
    s = await startTestServer(database, {}, { now: () => new Date(Date.now() + offsetMs) });
    carrier = await startCarrier(s, { config: { keepInbox: true } });
    t = await s.tenant();
    await credit(s, carrier, t, 100000);
    const now = new Date().toISOString();
    await createServiceNumber(s.deps.store.db, { number: SHARED }, now);
    await setTenantCode(s.deps.store.db, t.id, '21', now);
    engine = new AutomationEngine(s.deps, 'welcome-node');
  }, 60_000);
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const api = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    s.app.inject({ method, url, headers: t.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const automation = async (body: Record<string, unknown>) => {
    const r = await api('POST', '/api/v1/automations', { category: 'notification', ...body });
    expect(r.statusCode, r.body).toBe(201);
    expect((await api('POST', `/api/v1/automations/${r.json().id}/on`)).statusCode).toBe(200);
    return r.json().id as string;
  };
  const occurrences = async (id: string) => (await api('GET', `/api/v1/automations/${id}/occurrences?limit=1000`)).json().occurrences as { phone: string; status: string; dueAt: string }[];
  const round = async () => {
    await engine.round();
    await waitFor(async () => !await s.deps.store.db.selectFrom('automation_occurrences').select('id').where('status', '=', 'pending').where('lease_owner', 'is not', null).executeTakeFirst(), 'occurrences in flight to settle');
  };
  const texts = (phone: string) => carrier.simulator.inbox(phone).map((m) => m.text);
  const upload = async (name: string, csv: string) => {
    const m = multipart({ name, content: Buffer.from(csv) });
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/contacts/import', headers: { ...t.headers, ...m.headers }, payload: m.payload });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().id as string;
    await waitFor(async () => (await api('GET', `/api/v1/imports/${id}`)).json().status === 'done', `import ${name}`);
    return id;
  };

  it('welcomes a number that joins a subscription list by its keyword, once, after the delay (the contact is created)', async () => {
    const list = await api('POST', '/api/v1/services', { type: 'subscription', name: '天气预报', keywords: ['DYTQ'], config: { leaveKeywords: ['QXTQ'] } });
    expect(list.statusCode, list.body).toBe(201);
    expect((await api('POST', `/api/v1/services/${list.json().id}/open`)).statusCode).toBe(200);
    const welcome = await automation({ name: '订阅欢迎', trigger: { type: 'join', subscription: '天气预报' }, steps: [{ delayMinutes: 5, text: '欢迎订阅天气预报，每天早上7点为您播报。' }] });
    const phone = '+8613700000101';
    carrier.simulator.sendMo({ from: phone.slice(1), to: ADDR, text: 'DYTQ' });
    await waitFor(() => texts(phone).some((x) => x.includes('订阅成功')), 'the list\'s confirmation');
    await round();
    expect((await occurrences(welcome)).map((o) => [o.phone, o.status])).toEqual([[phone, 'pending']]);
    const contact = (await api('GET', `/api/v1/contacts?phone=${encodeURIComponent(phone)}`)).json().contacts[0];
    expect(contact).toMatchObject({ phone });
    offsetMs = 6 * 60_000;
    await round();
    await waitFor(() => texts(phone).some((x) => x.includes('欢迎订阅天气预报')), 'the welcome on the handset');
    // leaving and joining again is not a second welcome
    carrier.simulator.sendMo({ from: phone.slice(1), to: ADDR, text: 'QXTQ' });
    await waitFor(() => texts(phone).some((x) => x.includes('取消订阅')), 'the leave confirmation');
    carrier.simulator.sendMo({ from: phone.slice(1), to: ADDR, text: 'dytq' });
    await waitFor(async () => (await s.deps.store.db.selectFrom('service_responses').select('id').where('category', '=', 'join').where('phone', '=', phone).execute()).length === 2, 'the second join');
    offsetMs = 20 * 60_000;
    await round();
    expect(texts(phone).filter((x) => x.includes('欢迎订阅天气预报'))).toHaveLength(1);
    expect((await occurrences(welcome)).map((o) => o.status)).toEqual(['sent']);
  }, 60_000);

  it('welcomes contacts created through the API or by imports whose file name matches, each only from its source', async () => {
    const viaApi = await automation({ name: 'API 新客', trigger: { type: 'created', source: 'api' }, steps: [{ text: '感谢您在官网注册。' }] });
    const members = await automation({ name: '会员导入', trigger: { type: 'created', importName: '会员*.csv' }, steps: [{ delayMinutes: 1, text: '欢迎成为会员。' }] });
    const fromApi = '+8613700000201';
    expect((await api('POST', '/api/v1/contacts', { phone: fromApi })).statusCode).toBe(201);
    const imported = await upload('会员名单2027.csv', 'phone,name\n13700000202,李四\n13700000203,王五\n');
    await upload('供应商.csv', 'phone\n13700000204\n');
    await round();
    expect((await occurrences(viaApi)).map((o) => o.phone)).toEqual([fromApi]);
    expect((await occurrences(members)).map((o) => o.phone).sort()).toEqual(['+8613700000202', '+8613700000203']);
    await waitFor(() => texts(fromApi).some((x) => x.includes('感谢您在官网注册')), 'the API welcome on the handset');
    offsetMs += 2 * 60_000;
    await round();
    await waitFor(() => texts('+8613700000203').some((x) => x.includes('欢迎成为会员')), 'the member welcome on the handset');
    expect(texts('+8613700000204')).toEqual([]);
    // by import id: only that import's contacts
    const byId = await automation({ name: '按导入', trigger: { type: 'created', importId: imported }, steps: [{ delayMinutes: 60, text: 'x' }] });
    await round();
    expect(await occurrences(byId)).toEqual([]); // created before this automation was turned on
    await round();
    expect((await occurrences(viaApi)).map((o) => o.status)).toEqual(['sent']);
  }, 60_000);

  it('refuses a welcome trigger naming what does not exist or two things at once, with the field', async () => {
    const bad = async (trigger: Record<string, unknown>) => {
      const r = await api('POST', '/api/v1/automations', { name: 'bad', trigger, steps: [{ text: 'x' }] });
      expect(r.statusCode, r.body).toBe(400);
      return r.json().error.message as string;
    };
    expect(await bad({ type: 'join', subscription: '没有这个' })).toContain('trigger.subscription');
    expect(await bad({ type: 'join', group: '没有这个组' })).toContain('trigger.group');
    expect(await bad({ type: 'join', group: 'a', subscription: 'b' })).toContain('exactly one of group or subscription');
    expect(await bad({ type: 'created', importId: 'nope' })).toContain('trigger.importId');
    expect(await bad({ type: 'created', source: 'api', importName: '*.csv' })).toContain('leave source out');
    expect(await bad({ type: 'created', source: 'fax' })).toMatch(/source/);
  });
});
