import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { AutomationEngine } from '../src/automations/engine.ts';

describe.each(testDatabases)('automations on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let t: TestTenant;
  // 2027-09-10 08:00 in Shanghai; Mid-Autumn 2027 is 2027-09-15
  let clock = new Date('2027-09-10T00:00:00Z');
  let one: AutomationEngine;
  let two: AutomationEngine;

  beforeAll(async () => {
    s = await startTestServer(database, {}, { now: () => clock });
    carrier = await startCarrier(s);
    t = await s.tenant('auto');
    await credit(s, carrier, t, 100000);
    one = new AutomationEngine(s.deps, 'node-one');
    two = new AutomationEngine(s.deps, 'node-two');
    await one.seed();
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const api = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers = t.headers) =>
    s.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const contact = async (phone: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const r = await api('POST', '/api/v1/contacts', { phone, fields, ...extra });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };
  const automation = async (body: Record<string, unknown>) => {
    const r = await api('POST', '/api/v1/automations', { category: 'notification', ...body });
    expect(r.statusCode, r.body).toBe(201);
    const on = await api('POST', `/api/v1/automations/${r.json().id}/on`);
    expect(on.statusCode, on.body).toBe(200);
    return r.json().id as string;
  };
  const occurrences = async (id: string, query = '') => (await api('GET', `/api/v1/automations/${id}/occurrences?limit=1000${query}`)).json().occurrences as any[];
  const messagesTo = async (phone: string) => (await s.deps.store.db.selectFrom('messages').select(['id', 'status', 'text', 'campaign_id', 'not_before']).where('tenant_id', '=', t.id).where('phone', '=', phone).execute());

  // the carrier's worker runs the same rounds in the background: after ours, wait until no occurrence is in flight
  const rounds = async (...engines: AutomationEngine[]) => {
    const results = await Promise.all((engines.length ? engines : [one, two]).map((e) => e.round()));
    await waitFor(async () => !await s.deps.store.db.selectFrom('automation_occurrences').select('id').where('status', '=', 'pending').where('lease_owner', 'is not', null).executeTakeFirst(), 'occurrences in flight to settle');
    return results;
  };
  let birthdays: string;
  const ids: Record<string, string> = {};

  it('materialises solar and lunar birthdays ahead, skipping and counting garbage, on two workers at once without doubles', async () => {
    ids.lunar = await contact('13900000001', { birthday: '1980-08-15', cal: '农历' }, { name: '张三' });
    ids.solar = await contact('13900000002', { birthday: '1985-09-20' });
    ids.garbage = await contact('13900000003', { birthday: 'not a date' });
    ids.impossible = await contact('13900000004', { birthday: '1990-L06-01', cal: 'lunar' });
    ids.none = await contact('13900000005', {});
    birthdays = await automation({ name: '生日祝福', trigger: { type: 'date', field: 'birthday', calendarField: 'cal' }, steps: [{ at: '09:00', text: '{{name|亲爱的客户}}，生日快乐！' }], horizonDays: 30 });
    const [a, b] = await rounds();
    const list = await occurrences(birthdays);
    expect(list.map((o) => `${o.contactId}|${o.key}|${o.localDate}|${o.dueAt}`).sort()).toEqual([
      `${ids.lunar}|2027|2027-09-15|2027-09-15T01:00:00.000Z`,
      `${ids.solar}|2027|2027-09-20|2027-09-20T01:00:00.000Z`,
    ].sort());
    // (the carrier's worker may have added some of them itself)
    expect((a.runs.get(birthdays)?.added ?? 0) + (b.runs.get(birthdays)?.added ?? 0)).toBeLessThanOrEqual(2);
    const report = (await api('GET', `/api/v1/automations/${birthdays}`)).json().lastRun;
    expect(report.skipped).toMatchObject({ invalid_date: 2, no_date: 1 });
    expect(report.samples.map((x: { reason: string }) => x.reason).join(' ')).toMatch(/no leap month 6/);
  });

  it('previews who receives what on which date in the next 30 days', async () => {
    const p = (await api('GET', `/api/v1/automations/${birthdays}/preview?days=30`)).json();
    expect(p.rows.map((r: { phone: string; localDate: string; text: string }) => `${r.phone} ${r.localDate} ${r.text}`)).toEqual([
      '+8613900000001 2027-09-15 张三，生日快乐！',
      '+8613900000002 2027-09-20 亲爱的客户，生日快乐！',
    ]);
  });

  it('sends a due occurrence once through the carrier even when two workers send at once', async () => {
    clock = new Date('2027-09-15T01:00:30Z');
    await rounds(one, two, one, two);
    const sent = await messagesTo('+8613900000001');
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain('张三，生日快乐！');
    carrier.worker.dispatcher.poke();
    await waitFor(async () => (await messagesTo('+8613900000001'))[0].status === 'delivered', 'the birthday greeting delivered');
    const [o] = await occurrences(birthdays, '&status=sent');
    expect(o).toMatchObject({ contactId: ids.lunar, messageId: sent[0].id, messageStatus: 'delivered' });
    const stats = (await api('GET', `/api/v1/automations/${birthdays}`)).json().stats;
    expect(stats.messages.delivered).toBe(1);
    expect(stats.occurrences).toMatchObject({ sent: 1, pending: 1 });
    // a reply to the greeting counts for the automation, like a campaign's
    const greeting = await waitFor(() => carrier.simulator.inbox('+8613900000001')[0], 'the greeting on the handset');
    carrier.simulator.sendMo({ from: '8613900000001', to: greeting.from, text: '谢谢' });
    await waitFor(async () => (await api('GET', `/api/v1/automations/${birthdays}`)).json().stats.replied === 1, 'the reply counted');
  });

  it('never sends twice in a year when the date is edited after the send; only the new date fires when edited before', async () => {
    // after this year's send: moved to a later day of this year → nothing new
    expect((await api('PATCH', `/api/v1/contacts/${ids.lunar}`, { fields: { birthday: '1980-08-20', cal: '农历' } })).statusCode).toBe(200);
    // before it: 09-20 → 09-22
    expect((await api('PATCH', `/api/v1/contacts/${ids.solar}`, { fields: { birthday: '1985-09-22' } })).statusCode).toBe(200);
    await s.app.inject({ method: 'PUT', url: `/api/v1/automations/${birthdays}`, headers: t.headers, payload: { name: '生日祝福', category: 'notification', trigger: { type: 'date', field: 'birthday', calendarField: 'cal' }, steps: [{ at: '09:00', text: '{{name|亲爱的客户}}，生日快乐！' }], horizonDays: 30 } });
    await rounds();
    const list = await occurrences(birthdays);
    expect(list.filter((o) => o.contactId === ids.lunar)).toHaveLength(1);
    const solar = list.filter((o) => o.contactId === ids.solar);
    expect(solar.map((o) => `${o.status} ${o.localDate}`)).toEqual(['pending 2027-09-22']);
    for (const at of ['2027-09-20T01:00:30Z', '2027-09-22T01:00:30Z', '2027-10-05T01:00:30Z']) {
      clock = new Date(at);
      await rounds();
    }
    expect(await messagesTo('+8613900000001')).toHaveLength(1);
    expect(await messagesTo('+8613900000002')).toHaveLength(1);
    expect((await occurrences(birthdays)).filter((o) => o.contactId === ids.solar).map((o) => o.status)).toEqual(['sent']);
  });

  it('cancels a pending occurrence through the API; it is not sent nor materialised again', async () => {
    clock = new Date('2027-10-05T00:00:00Z');
    const id = await contact('13900000006', { birthday: '2000-10-08' });
    await rounds(one);
    const o = (await occurrences(birthdays, '&status=pending')).find((x) => x.contactId === id);
    expect(o).toBeTruthy();
    expect((await api('POST', `/api/v1/automations/${birthdays}/occurrences/${o.id}/cancel`)).json()).toEqual({ id: o.id, cancelled: true });
    expect((await api('POST', `/api/v1/automations/${birthdays}/occurrences/${o.id}/cancel`)).statusCode).toBe(409);
    clock = new Date('2027-10-08T01:00:30Z');
    await rounds();
    expect(await messagesTo('+8613900000006')).toHaveLength(0);
    expect((await occurrences(birthdays)).filter((x) => x.contactId === id).map((x) => x.status)).toEqual(['cancelled']);
  });

  it('greets on a festival resolved for the year, and waits for the holiday calendar before shifting to a working day', async () => {
    clock = new Date('2027-09-01T00:00:00Z');
    const mid = await automation({ name: '中秋', trigger: { type: 'holiday', festival: '中秋' }, conditions: { filter: 'phone = "+8613900000002"' }, steps: [{ at: '10:00', text: '中秋快乐' }] });
    // National Day 2027 falls in a year the seeded calendar does not cover: nothing is materialised, and the run says why
    const shifted = await automation({ name: '国庆', trigger: { type: 'holiday', festival: 'national_day', shift: 'next_workday' }, steps: [{ at: '10:00', text: '国庆快乐' }] });
    await rounds(one);
    expect((await occurrences(mid)).map((o) => o.localDate)).toEqual(['2027-09-15']);
    expect(await occurrences(shifted)).toEqual([]);
    const run = (await api('GET', `/api/v1/automations/${shifted}`)).json().lastRun;
    expect(run.skipped.calendar_missing).toBeGreaterThan(0);
    // the admin adds 2027: 10-01..10-07 off, so the greeting goes on 10-08
    const platform = carrier.platform;
    const days = Array.from({ length: 7 }, (_, i) => ({ date: `2027-10-0${i + 1}`, name: '国庆节', kind: 'holiday' }));
    const put = await api('PUT', '/api/v1/admin/holidays/2027', { days }, platform);
    expect(put.statusCode, put.body).toBe(200);
    await api('PUT', `/api/v1/automations/${shifted}`, { name: '国庆', category: 'notification', trigger: { type: 'holiday', festival: 'national_day', shift: 'next_workday' }, steps: [{ at: '10:00', text: '国庆快乐' }], horizonDays: 60 });
    await rounds(one);
    expect([...new Set((await occurrences(shifted)).map((o) => o.localDate))]).toEqual(['2027-10-08']);
    expect((await api('GET', '/api/v1/automations/festivals')).json().festivals.find((f: { key: string }) => f.key === 'mid_autumn').dates['2027']).toBe('2027-09-15');
  });

  it('lets only the platform admin edit the holiday calendar, refusing bad days', async () => {
    const platform = carrier.platform;
    const years = (await api('GET', '/api/v1/admin/holidays', undefined, platform)).json();
    expect(years.years.find((y: { year: number }) => y.year === 2026)).toMatchObject({ source: 'library' });
    expect(years.years.find((y: { year: number }) => y.year === 2027)).toMatchObject({ source: 'admin', holidays: 7 });
    expect((await api('GET', '/api/v1/admin/holidays', undefined, t.headers)).statusCode).toBe(403);
    const bad = await api('PUT', '/api/v1/admin/holidays/2028', { days: [{ date: '2027-10-01', name: 'x', kind: 'holiday' }] }, platform);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject({ field: 'days.0.date' });
    expect((await api('PUT', '/api/v1/admin/holidays/2028', { days: [{ date: '2028-02-30', name: 'x', kind: 'holiday' }] }, platform)).statusCode).toBe(400);
    expect((await api('GET', '/api/v1/admin/holidays/1999', undefined, platform)).statusCode).toBe(404);
  });

  it('refuses an unknown festival key and an impossible lunar date with the reason', async () => {
    const r = await api('POST', '/api/v1/automations', { name: 'x', trigger: { type: 'holiday', festival: 'no_such_day' }, steps: [{ text: 'x' }] });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/unknown festival/);
    const lunar = await api('GET', '/api/v1/automations/lunar?date=2027-12-30');
    expect(lunar.statusCode).toBe(400);
    expect(lunar.json().error.message).toMatch(/only 29 days/);
    expect((await api('GET', '/api/v1/automations/lunar?date=08-15&year=2027')).json().solar).toBe('2027-09-15');
  });

  it('turns events into messages: idempotent, TTL, suppression per country, quiet hours of the roaming zone', async () => {
    clock = new Date('2027-10-10T04:00:00Z'); // 12:00 in Shanghai, 13:00 in Tokyo
    await api('PATCH', `/api/v1/contacts/${ids.garbage}`, { fields: { externalId: 'CRM-3' } });
    const roaming = await automation({ name: '漫游欢迎', trigger: { type: 'event', eventType: 'roaming', ttlHours: 6, suppress: { key: 'country', days: 7 } }, steps: [{ text: '欢迎来到{{event.countryName}}' }] });
    const ev = (key: string, extra: Record<string, unknown> = {}) => ({ type: 'roaming', contact: { externalId: 'CRM-3' }, idempotencyKey: key, occurredAt: clock.toISOString(), data: { country: 'JP', countryName: '日本' }, ...extra });
    const r = await api('POST', '/api/v1/events/batch', { events: [ev('r1'), ev('r1'), ev('r2'), ev('old', { occurredAt: '2027-10-09T00:00:00Z' }), { type: 'roaming', contact: { phone: '13999999999' }, idempotencyKey: 'who', data: {} }] });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().results.map((x: { status: string }) => x.status)).toEqual(['accepted', 'duplicate', 'suppressed', 'expired', 'unknown_contact']);
    expect((await api('POST', '/api/v1/events', ev('r1'))).json().counts).toEqual({ duplicate: 1 });
    const missing = await api('POST', '/api/v1/events', { type: 'roaming', contact: { externalId: 'CRM-3' }, data: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/idempotencyKey/);
    const missingInBatch = await api('POST', '/api/v1/events/batch', { events: [ev('r9'), { type: 'roaming', contact: { phone: '1' } }] });
    expect(missingInBatch.statusCode).toBe(400);
    expect(missingInBatch.body).toMatch(/events\.1\.idempotencyKey/);
    expect((await api('POST', '/api/v1/events', ev('r9'))).json().counts).toEqual({ suppressed: 1 });
    await rounds();
    const sent = await messagesTo('+8613900000003');
    expect(sent.map((m) => m.text)).toEqual(['欢迎来到日本']);
    const [o] = await occurrences(roaming);
    expect(o.zone).toBe('Asia/Tokyo');
    const log = (await api('GET', '/api/v1/events?status=unknown_contact')).json();
    expect(log.events.map((e: { idempotencyKey: string }) => e.idempotencyKey)).toEqual(['who']);
    expect(log.counts).toEqual(expect.arrayContaining([{ type: 'roaming', status: 'expired', n: 1 }]));
  });

  it('takes a batch of more than a thousand events in chunks: repeats across chunks and earlier keys are duplicates, one contact per new number', async () => {
    const signup = await automation({ name: '批量注册', trigger: { type: 'event', eventType: 'bulk_signup', createContact: true }, steps: [{ delayMinutes: 5, text: '欢迎注册' }] });
    expect((await api('POST', '/api/v1/events', { type: 'bulk_signup', contact: { phone: '13700000000' }, idempotencyKey: 'b-early', data: {} })).json().counts).toEqual({ accepted: 1 });
    // keys b0…b1299 once each, then 199 repeats (from the second chunk) and the key stored earlier; 600 numbers, each met again in the first chunk
    const events = Array.from({ length: 1500 }, (_, i) => ({ type: 'bulk_signup', contact: { phone: `137${String(i % 600).padStart(8, '0')}` }, idempotencyKey: i === 1400 ? 'b-early' : `b${i % 1300}`, data: { n: i } }));
    const r = await api('POST', '/api/v1/events/batch', { events });
    expect(r.statusCode, r.body).toBe(202);
    const report = r.json();
    expect(report.counts).toEqual({ accepted: 1300, duplicate: 200 });
    expect(report.occurrences).toBe(1300);
    expect([0, 999, 1000, 1299, 1300, 1400, 1499].map((i) => report.results[i].status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'duplicate', 'duplicate', 'duplicate']);
    expect(report.results[1300].id).toBeNull();
    const created = await s.deps.store.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', t.id).where('phone', 'like', '+86137%').executeTakeFirstOrThrow();
    expect(Number(created.n)).toBe(600);
    const mine = await s.deps.store.db.selectFrom('automation_occurrences').select((eb) => eb.fn.countAll<number>().as('n')).where('automation_id', '=', signup).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(Number(mine.n)).toBe(1301);
    const stored = await s.deps.store.db.selectFrom('automation_events').select(['status', 'contact_id']).where('tenant_id', '=', t.id).where('type', '=', 'bulk_signup').execute();
    expect(stored.length).toBe(1301);
    expect(stored.every((e) => e.status === 'accepted' && e.contact_id)).toBe(true);
  });

  it('holds marketing from a roaming event for the quiet hours of the recipient\'s zone', async () => {
    clock = new Date('2027-10-10T13:30:00Z'); // 21:30 in Shanghai, 22:30 in Tokyo, 09:30 in New York
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${t.slug}`, headers: carrier.platform, payload: { marketingFreeText: true } })).statusCode).toBe(200);
    const promo = await automation({ name: '漫游优惠', category: 'marketing', trigger: { type: 'event', eventType: 'roaming_promo' }, steps: [{ text: '漫游包优惠' }] });
    await api('POST', '/api/v1/events', { type: 'roaming_promo', contact: { phone: '13900000005' }, idempotencyKey: 'p1', data: { country: 'US' } });
    await api('POST', '/api/v1/events', { type: 'roaming_promo', contact: { phone: '13900000006' }, idempotencyKey: 'p2', data: { country: 'JP' } });
    await rounds(one);
    const us = (await messagesTo('+8613900000005'))[0];
    const jp = (await messagesTo('+8613900000006'))[0];
    expect(us.not_before).toBeNull();
    // quiet hours 21:00–08:00 in Tokyo: held to 08:00 JST = 23:00Z
    expect(jp.not_before).toBe('2027-10-10T23:00:00.000Z');
    expect((await occurrences(promo)).map((o) => o.status)).toEqual(['sent', 'sent']);
  });

  it('respects channel preferences: a contact who declined marketing gets none, notifications still', async () => {
    await contact('13900000012', { receiveMarketing: '否', receiveNotifications: true });
    await api('POST', '/api/v1/events', { type: 'roaming_promo', contact: { phone: '13900000012' }, idempotencyKey: 'p3', data: { country: 'CN' } });
    await rounds(one);
    const [m] = await messagesTo('+8613900000012');
    expect(m).toMatchObject({ status: 'excluded' });
    expect((await s.deps.store.db.selectFrom('messages').select('reason').where('id', '=', m.id).executeTakeFirst())?.reason).toBe('preference');
  });

  it('runs a renewal sequence counted back from endsOn with usage data, cancelled by a later renewed event', async () => {
    clock = new Date('2027-10-01T00:00:00Z');
    const renewal = await automation({
      name: '续费提醒', trigger: { type: 'event', eventType: 'renewal_due', anchor: 'endsOn', cancelOn: ['renewed'] },
      steps: [-30, -7, -1].map((d) => ({ offsetDays: d, at: '10:00', text: `{{event.plan}}套餐将于{{event.endsOn}}到期，本月已用{{event.usedGb}}GB` })),
    });
    const due = { type: 'renewal_due', contact: { phone: '+8613900000002' }, idempotencyKey: 'ren-1', data: { plan: '畅享', usedGb: '12.5', endsOn: '2027-11-20' } };
    expect((await api('POST', '/api/v1/events', due)).json().results[0]).toMatchObject({ status: 'accepted', occurrences: 3 });
    expect((await occurrences(renewal)).map((o) => `${o.step} ${o.localDate}`)).toEqual(['0 2027-10-21', '1 2027-11-13', '2 2027-11-19']);
    clock = new Date('2027-10-21T02:00:30Z');
    await rounds();
    const texts = (await messagesTo('+8613900000002')).map((m) => m.text);
    expect(texts).toContain('畅享套餐将于2027-11-20到期，本月已用12.5GB');
    expect((await api('POST', '/api/v1/events', { type: 'renewed', contact: { phone: '13900000002' }, idempotencyKey: 'ren-ok', data: {} })).json()).toMatchObject({ cancelled: 2, counts: { applied: 1 } });
    clock = new Date('2027-11-19T02:00:30Z');
    await rounds(one);
    expect((await occurrences(renewal)).map((o) => o.status)).toEqual(['sent', 'cancelled', 'cancelled']);
  });

  it('welcomes a contact who joins a group, once, after the delay', async () => {
    clock = new Date('2027-11-20T02:00:00Z');
    const g = await api('POST', '/api/v1/groups', { name: '会员' });
    const welcome = await automation({ name: '入会欢迎', trigger: { type: 'join', group: '会员' }, steps: [{ delayMinutes: 10, text: '欢迎加入会员' }] });
    const member = await contact('13900000007', {});
    await api('POST', `/api/v1/groups/${g.json().id}/members`, { contactIds: [member] });
    await rounds();
    expect((await occurrences(welcome)).map((o) => o.status)).toEqual(['pending']);
    clock = new Date('2027-11-20T02:10:30Z');
    await rounds();
    await api('DELETE', `/api/v1/groups/${g.json().id}/members`, { contactIds: [member] });
    await api('POST', `/api/v1/groups/${g.json().id}/members`, { contactIds: [member] });
    clock = new Date('2027-11-20T03:00:00Z');
    await rounds();
    expect((await messagesTo('+8613900000007')).map((m) => m.text)).toEqual([expect.stringContaining('欢迎加入会员')]);
  });

  it('holds the due occurrences of a paused automation until it is on again', async () => {
    clock = new Date('2027-11-25T00:00:00Z');
    const id = await contact('13900000011', { birthday: '1999-12-01' });
    await rounds(one);
    expect((await occurrences(birthdays, '&status=pending')).some((o) => o.contactId === id)).toBe(true);
    expect((await api('POST', `/api/v1/automations/${birthdays}/pause`)).json().status).toBe('paused');
    clock = new Date('2027-12-01T01:00:30Z');
    await rounds();
    expect(await messagesTo('+8613900000011')).toHaveLength(0);
    expect((await api('POST', `/api/v1/automations/${birthdays}/pause`)).statusCode).toBe(409);
    expect((await api('POST', `/api/v1/automations/${birthdays}/on`)).json().status).toBe('on');
    clock = new Date('2027-12-01T02:00:00Z');
    await rounds();
    expect(await messagesTo('+8613900000011')).toHaveLength(1);
  });

  it('confirms a double opt-in by the reply Y on the handset, and expires one never confirmed after 72 h', async () => {
    clock = new Date();
    const phone = '+8613900000009';
    const id = await contact(phone.slice(3), {});
    const r = await api('POST', '/api/v1/automations/opt-in', { phone: phone.slice(3), source: 'web_form:/signup', textShown: '同意接收优惠信息' });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({ status: 'pending', messageStatus: 'queued' });
    const consents = async (cid: string) => (await api('GET', `/api/v1/contacts/${cid}/consents`)).json().consents as { status: string; keyword: string | null; source: string }[];
    expect((await consents(id)).map((c) => c.status)).toEqual(['pending']);
    const request = await waitFor(() => carrier.simulator.inbox(phone)[0], 'the confirmation request on the handset');
    expect(request.text).toContain('回复 Y');
    carrier.simulator.sendMo({ from: phone.slice(1), to: request.from, text: '是' });
    await waitFor(async () => (await consents(id))[0].status === 'granted', 'the consent confirmed');
    expect((await consents(id))[0]).toMatchObject({ keyword: '是', source: expect.stringMatching(/^web_form:\/signup · confirmed by sms:/) });
    const other = await contact('13900000010', {});
    expect((await api('POST', '/api/v1/automations/opt-in', { contactId: other, source: 'import' })).statusCode).toBe(202);
    clock = new Date(Date.now() + 73 * 3600_000);
    await rounds(one);
    expect((await consents(other)).map((c) => c.status)).toEqual(['expired']);
    expect((await api('POST', '/api/v1/automations/opt-in', { phone: 'garbage', source: 'x' })).statusCode).toBe(400);
  });

  it('keeps tenants apart', async () => {
    const other = await s.tenant('other-auto');
    expect((await api('GET', `/api/v1/automations/${birthdays}`, undefined, other.headers)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/automations/${birthdays}/occurrences`, undefined, other.headers)).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/automations', undefined, other.headers)).json().automations).toEqual([]);
  });
});
