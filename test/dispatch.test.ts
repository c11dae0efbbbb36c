import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';

describe.each(testDatabases)('sending through the virtual carrier on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s, { config: { rules: [{ suffix: '4444', outcome: 'undelivered' }] } });
    a = await s.tenant('acme');
    b = await s.tenant('bravo');
    await credit(s, carrier, a, 100000);
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const message = async (t: TestTenant, id: string) => (await s.app.inject({ url: `/api/v1/messages/${id}`, headers: t.headers })).json();

  it('sends short and long UCS-2 texts, matches every receipt, and the handset holds the reassembled text', async () => {
    const long = '尊敬的客户，您好！'.repeat(12);
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: ['13800138000', '+86 139-0013-9000', 'not a number'], text: long } });
    expect(res.statusCode).toBe(202);
    const sent = res.json().messages;
    expect(sent.map((m: { status: string }) => m.status)).toEqual(['queued', 'queued', 'excluded']);
    expect(sent[2].reason).toBe('invalid_number');
    expect(sent[0].segments).toBeGreaterThan(1);
    for (const m of sent.slice(0, 2)) {
      const done = await waitFor(async () => { const x = await message(a, m.id); return x.status === 'delivered' && x; }, 'delivery');
      expect(done.carrierMessageId.split(',')).toHaveLength(m.segments);
      expect(done.carrierStat).toBe('DELIVRD');
      expect(done.channel).toBe('sim');
      expect(done.price).toBe(String(5 * m.segments));
    }
    const inbox = carrier.simulator.inbox('8613800138000');
    expect(inbox.at(-1)?.text).toContain(long);
    const log = (await s.app.inject({ url: `/api/v1/messages/${sent[0].id}/log`, headers: a.headers })).json().entries;
    expect(log.length).toBeGreaterThan(0);
    expect(JSON.stringify(log)).not.toContain('secret');
  });

  it('marks carrier outcomes: undelivered stays charged under the default policy', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: '13800134444', text: 'hello' } });
    const id = res.json().messages[0].id;
    const done = await waitFor(async () => { const x = await message(a, id); return x.status === 'undelivered' && x; }, 'undelivered');
    expect(done.carrierStat).toBe('UNDELIV');
  });

  it('honours Idempotency-Key: the same body replays, another body conflicts', async () => {
    const h = { ...a.headers, 'idempotency-key': 'order-42' };
    const first = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload: { to: '13800138001', text: 'order 42 shipped' } });
    const again = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload: { to: '13800138001', text: 'order 42 shipped' } });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload: { to: '13800138001', text: 'different' } });
    expect(other.statusCode).toBe(409);
  });

  it('refuses a send the balance cannot cover, with nothing stored, and validates the body', async () => {
    const poor = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: b.headers, payload: { to: '13800138000', text: 'hi' } });
    expect(poor.statusCode).toBe(402);
    expect(poor.json().error.code).toBe('insufficient_balance');
    expect((await s.app.inject({ url: '/api/v1/messages', headers: b.headers })).json().messages).toEqual([]);
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: [], text: 'x' } });
    expect(bad.statusCode).toBe(400);
    const pinned = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: '13800138000', text: 'x', channel: 'nope' } });
    expect(pinned.statusCode).toBe(400);
    expect(pinned.json().error.details.field).toBe('channel');
  });

  it('reports today\'s sent, delivered and failed per tenant, in the tenant\'s time zone', async () => {
    const o = (await s.app.inject({ url: '/api/v1/stats/overview?days=7', headers: a.headers })).json();
    expect(o.timezone).toBe('Asia/Shanghai');
    expect(o.days).toHaveLength(7);
    expect(o.today.sent).toBeGreaterThanOrEqual(3);
    expect(o.today.delivered).toBeGreaterThanOrEqual(2);
    expect(o.today.failed).toBeGreaterThanOrEqual(1);
    expect(o.today.excluded).toBeGreaterThanOrEqual(1);
    const other = (await s.app.inject({ url: '/api/v1/stats/overview', headers: b.headers })).json();
    expect(other.today).toMatchObject({ sent: 0, delivered: 0, failed: 0 });
  });

  it('walls off messages and the ledger between tenants', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: '13800138002', text: 'private' } });
    const id = res.json().messages[0].id;
    expect((await s.app.inject({ url: `/api/v1/messages/${id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await s.app.inject({ url: `/api/v1/messages/${id}/log`, headers: b.headers })).statusCode).toBe(404);
    expect((await s.app.inject({ url: '/api/v1/ledger', headers: b.headers })).json().entries).toEqual([]);
    const ledger = (await s.app.inject({ url: '/api/v1/ledger', headers: a.headers })).json().entries;
    expect(ledger.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['topup', 'reserve']));
  });

  it('runs a campaign to completion: pre-flight counts, one message per recipient, statistics match the SMSC', async () => {
    await waitFor(async () => (await s.app.inject({ url: '/api/v1/messages?status=queued', headers: a.headers })).json().messages.length === 0, 'earlier sends');
    await carrier.worker.dispatcher.flush();
    const before = carrier.simulator.stats();
    const numbers = Array.from({ length: 300 }, (_, i) => `1390000${String(i).padStart(4, '0')}`);
    const audience = { numbers: [...numbers, numbers[0], 'garbage', { phone: '13911112222', name: '王先生' }] };
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: a.headers, payload: { name: '双十一', audience, text: '{{name|顾客}}您好，双十一全场五折', category: 'notification' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const pre = (await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/preflight`, headers: a.headers })).json();
    expect(pre).toMatchObject({ total: 303, queued: 301, excluded: { duplicate: 1, invalid_number: 1 }, sufficient: true });
    const started = await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/start`, headers: a.headers });
    expect(started.json().status).toBe('running');
    const done = await waitFor(async () => {
      const c = (await s.app.inject({ url: `/api/v1/campaigns/${id}`, headers: a.headers })).json();
      return c.status === 'completed' && c.stats.awaitingReceipt === 0 && c;
    }, 'campaign completion', 30_000);
    expect(done.stats).toMatchObject({ total: 303, excluded: 2, queued: 0, delivered: 301, failed: 0, resubmitted: 0 });
    const after = carrier.simulator.stats();
    expect(after.uniqueMessages - before.uniqueMessages).toBe(301);
    expect(after.duplicates - before.duplicates).toBe(0);
    expect(carrier.simulator.inbox('8613911112222').at(-1)?.text).toContain('王先生您好');
    expect((await s.app.inject({ url: `/api/v1/campaigns/${id}`, headers: b.headers })).statusCode).toBe(404);
    const csv = await s.app.inject({ url: `/api/v1/campaigns/${id}/export?format=csv`, headers: a.headers });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body.split('\n').filter(Boolean).length).toBe(303);
    // Business-ready: headers and statuses in the console's language, the contact's name, yuan, the tenant's zone.
    const [header, ...lines] = csv.body.replace(/^\ufeff/, '').trim().split('\n');
    expect(header).toBe('短信 ID,接收号码,姓名,状态,原因,计费条数,费用 (CNY),通道,运营商消息 ID,运营商状态报告,错误,内容,创建时间,提交时间,最终状态时间');
    const wang = lines.find((l) => l.includes('王先生您好'))!;
    expect(wang).toContain(',已送达,'); // (王先生 is a name given with the number, not a contact: the name column is empty)
    expect(wang).toMatch(/,0\.\d\d,/);
    const times = wang.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g)!;
    expect(times).toHaveLength(3);
    expect(times[2] >= times[1]).toBe(true);
    const xlsx = await s.app.inject({ url: `/api/v1/campaigns/${id}/export?format=xlsx&lang=ru`, headers: a.headers });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).getCell(4).value).toBe('Состояние');
    const row = sheet.getRow(2);
    expect(typeof row.getCell(7).value).toBe('number');
    expect(row.getCell(13).value).toBeInstanceOf(Date);
    expect(String(row.getCell(2).value)).toMatch(/^\+86/);
    const again = await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/start`, headers: a.headers });
    expect(again.statusCode).toBe(409);
  });
});
