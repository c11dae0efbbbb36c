// The newcomer walkthrough's findings, end to end through the API, the worker, SMPP and the virtual carrier:
// campaign list progress, "last messaged", the date-format lint, held messages with their reason, replies to an
// opted-out contact, confirmations in the recipient's language, and channel forms with a test bind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { DateTime } from 'luxon';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { Simulator } from '../src/channels/simulator/simulator.ts';
import { startWorker, type Worker } from '../src/worker/worker.ts';
import { queueMessages } from '../src/worker/outbox.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';
import { heldText } from '../src/cli/commands/campaign.ts';
import { until } from './support/until.ts';
import { approvedSignature } from './support/signatures.ts';

/** "HH:mm" in a zone, `hours` from now (whole hours). */
const hourIn = (zone: string, hours: number) => DateTime.now().setZone(zone).plus({ hours }).toFormat('HH:00');

describe.each(testDatabases)('walkthrough findings on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let sim: Simulator;
  let worker: Worker;
  let port = 0;
  const SHARED = '10690003';
  const json = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown, headers = a.headers) => {
    const r = await s.app.inject({ method, url, headers, payload: payload as never });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant();
    await approvedSignature(s, a, '【Shop】');
    sim = new Simulator({ receiptDelayMs: 10, keepInbox: true });
    ({ port } = await sim.start(0));
    const now = new Date().toISOString();
    const ch = await createChannel(s.deps.store.db, { name: 'vc', type: 'smpp', config: { name: 'vc', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret' } }, now);
    await createRoute(s.deps.store.db, { channelId: ch.id, price: 5n }, now);
    await createServiceNumber(s.deps.store.db, { number: SHARED }, now);
    await setTenantCode(s.deps.store.db, a.id, '77', now);
    await s.deps.store.db.updateTable('tenants').set({ balance: '100000' }).where('id', '=', a.id).execute();
    worker = await startWorker(s.deps);
    await until('a bound channel', () => worker.channels.upIds().length > 0);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.stop?.();
    await s?.close();
  });

  it('the campaign list shows progress and recipients; submits record "last messaged", so `messaged within 1d` matches', async () => {
    for (const [phone, name] of [['+8613800138101', '张伟'], ['+8613800138102', '李娜'], ['+8613800138103', '王芳']]) {
      expect((await json('POST', '/api/v1/contacts', { phone, name })).status).toBe(201);
    }
    expect((await json('POST', '/api/v1/segments/count', { filter: 'messaged within 1d' })).body.count).toBe(0);
    const c = (await json('POST', '/api/v1/campaigns', { name: '双十一', audience: { numbers: ['+8613800138101', '+8613800138102', 'abc'] }, text: '【Shop】您好', category: 'notification' })).body;
    let list = (await json('GET', '/api/v1/campaigns')).body.campaigns;
    expect(list.find((x: { id: string }) => x.id === c.id).progress).toEqual({ total: 0, excluded: 0, queued: 0, submitted: 0, delivered: 0, failed: 0 });
    expect((await json('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);
    await until('delivered', async () => (await json('GET', `/api/v1/campaigns/${c.id}`)).body.stats.delivered === 2);
    list = (await json('GET', '/api/v1/campaigns')).body.campaigns;
    expect(list.find((x: { id: string }) => x.id === c.id).progress).toEqual({ total: 3, excluded: 1, queued: 0, submitted: 2, delivered: 2, failed: 0 });

    expect((await json('POST', '/api/v1/segments/count', { filter: 'messaged within 1d' })).body.count).toBe(2);
    expect((await json('POST', '/api/v1/segments/count', { filter: 'not messaged within 1d' })).body.count).toBe(1);
    const found = (await json('GET', `/api/v1/contacts?phone=${encodeURIComponent('+8613800138101')}`)).body.contacts[0];
    expect(Date.parse(found.lastMessagedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('pre-flight and the running campaign agree about the audience: a number given twice is one duplicate in both', async () => {
    const c = (await json('POST', '/api/v1/campaigns', { name: '重复', audience: { numbers: ['+8613800138111', '13800138111', 'abc', '+8613800138112'] }, text: '【Shop】您好', category: 'notification' })).body;
    const pre = (await json('POST', `/api/v1/campaigns/${c.id}/preflight`)).body;
    expect(pre).toMatchObject({ total: 4, queued: 2, excluded: { invalid_number: 1, duplicate: 1 } });
    expect((await json('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);
    const stats = await until('delivered', async () => {
      const st = (await json('GET', `/api/v1/campaigns/${c.id}`)).body.stats;
      return st.delivered === 2 && st;
    });
    expect(stats).toMatchObject({ total: 4, excluded: 2, excludedBy: { invalid_number: 1, duplicate: 1 } });
    expect(stats.byStatus.excluded).toBe(2);
    const list = (await json('GET', '/api/v1/campaigns')).body.campaigns;
    expect(list.find((x: { id: string }) => x.id === c.id).progress).toEqual({ total: 4, excluded: 2, queued: 0, submitted: 2, delivered: 2, failed: 0 });
  });

  it('the linter flags moment-style date formats (YYYY-MM-DD) with the luxon spelling, and passes yyyy-MM-dd', async () => {
    const bad = (await json('POST', '/api/v1/templates/preview', { text: '生日{{生日:YYYY-MM-DD}}', category: 'notification' })).body;
    expect(bad.warnings).toContainEqual(expect.objectContaining({ code: 'unknown_date_format', severity: 'error', subject: 'YYYY-MM-DD', suggestion: 'yyyy-MM-dd' }));
    const good = (await json('POST', '/api/v1/templates/preview', { text: '生日{{生日:yyyy年M月d日}}', category: 'notification' })).body;
    expect(good.warnings.map((w: { code: string }) => w.code)).not.toContain('unknown_date_format');
  });

  it('a held message says why and until when: a send window in stats, pre-flight and the CLI line; quiet hours on a marketing message', async () => {
    const zone = 'Asia/Shanghai';
    const window = { start: hourIn(zone, 2), end: hourIn(zone, 3) };
    const c = (await json('POST', '/api/v1/campaigns', { name: '晚间', audience: { numbers: ['+8613800138104'] }, text: '【Shop】晚上好', category: 'notification', options: { sendWindows: [window] } })).body;
    const pre = (await json('POST', `/api/v1/campaigns/${c.id}/preflight`)).body;
    expect(pre.deferredBy).toEqual({ send_window: 1 });
    await json('POST', `/api/v1/campaigns/${c.id}/start`);
    const stats = await until('the held message', async () => {
      const st = (await json('GET', `/api/v1/campaigns/${c.id}`)).body.stats;
      return st.held.length > 0 && st;
    });
    expect(stats.held).toHaveLength(1);
    expect(stats.held[0]).toMatchObject({ reason: 'send_window', count: 1 });
    expect(DateTime.fromISO(stats.held[0].until).setZone(zone).toFormat('HH:mm')).toBe(window.start);
    expect(heldText(stats.held, zone)).toBe(`1 waits for the send window until ${DateTime.fromISO(stats.held[0].until).setZone(zone).toFormat('yyyy-MM-dd HH:mm')} ${zone}`);
    const [m] = (await json('GET', `/api/v1/messages?campaignId=${c.id}`)).body.messages;
    expect(m).toMatchObject({ status: 'queued', reason: 'send_window' });

    // quiet hours (marketing only) are kept in the recipient's zone: a Moscow number now inside them waits for their end
    const moscow = 'Europe/Moscow';
    expect((await json('PATCH', '/api/v1/tenant/settings', { quietHours: { start: hourIn(moscow, -1), end: hourIn(moscow, 2) } })).status).toBe(200);
    const [queued] = await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone: '+79123456701' }], text: '【Shop】Скидки СТОП — отписаться', category: 'marketing' });
    const held = (await json('GET', `/api/v1/messages/${queued.id}`)).body;
    expect(held).toMatchObject({ status: 'queued', reason: 'quiet_hours' });
    expect(DateTime.fromISO(held.notBefore).setZone(moscow).toFormat('HH:mm')).toBe(hourIn(moscow, 2));
    await json('PATCH', '/api/v1/tenant/settings', { quietHours: { start: '21:00', end: '08:00' } });
  });

  it('opt-out confirmations come in the recipient\'s language (own texts per language win); a reply to an opted-out contact says why it was not sent', async () => {
    const put = await json('PUT', '/api/v1/keywords/settings', { repliesByLanguage: { opt_out: { ru: 'Вы отписаны от рассылки Shop.' } } });
    expect(put.status).toBe(200);
    expect(put.body.repliesByLanguage.opt_out).toMatchObject({ ru: 'Вы отписаны от рассылки Shop.', en: expect.stringMatching(/unsubscribed/), 'zh-CN': expect.stringMatching(/退订/) });
    expect(put.body.ownRepliesByLanguage.opt_out).toEqual({ ru: 'Вы отписаны от рассылки Shop.' });
    const bad = await json('PUT', '/api/v1/keywords/settings', { repliesByLanguage: { help: { constructor: 'x', __proto__: 'y' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('repliesByLanguage.help');

    // a Russian number without a contact language: Russian; a Russian number whose contact speaks English: English
    expect((await json('POST', '/api/v1/contacts', { phone: '+79123456789', name: 'Ирина' })).status).toBe(201);
    expect((await json('POST', '/api/v1/contacts', { phone: '+79123456790', name: 'John', language: 'en' })).status).toBe(201);
    sim.sendMo({ from: '79123456789', to: `${SHARED}77`, text: 'СТОП' });
    sim.sendMo({ from: '79123456790', to: `${SHARED}77`, text: 'STOP' });
    expect((await until('the Russian confirmation', () => sim.inbox('+79123456789')[0])).text).toContain('Вы отписаны от рассылки Shop.');
    expect((await until('the English confirmation', () => sim.inbox('+79123456790')[0])).text).toMatch(/unsubscribed/);

    const conv = await until('the conversation', async () => {
      const list = (await json('GET', '/api/v1/inbox')).body.conversations as { id: string; phone: string; contactOptedOutAt: string | null }[];
      return list.find((x) => x.phone === '+79123456789' && x.contactOptedOutAt);
    });
    const before = (await json('GET', `/api/v1/inbox/${conv.id}`)).body;
    const sent = await json('POST', `/api/v1/inbox/${conv.id}/reply`, { text: 'Хорошо, вы отписаны.' });
    expect(sent.status).toBe(202);
    expect(sent.body.message).toMatchObject({ status: 'excluded', reason: 'opted_out' });
    const after = (await json('GET', `/api/v1/inbox/${conv.id}`)).body;
    expect(after.lastText).toBe(before.lastText); // the excluded reply did not become the conversation's last line
    expect(after.messages.at(-1)).toMatchObject({ direction: 'out', status: 'excluded', reason: 'opted_out' });
  });

  it('channel types come with their form fields; a test bind answers ok against the carrier and a clear reason against a closed port', async () => {
    const platform = { authorization: `Bearer ${await s.platformKey()}` };
    const types = (await json('GET', '/api/v1/admin/channel-types', undefined, platform)).body.types;
    const smpp = types.find((x: { type: string }) => x.type === 'smpp');
    expect(smpp.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['host', 'port', 'systemId', 'password', 'binds', 'window', 'tps', 'idFormat']));
    expect(smpp.fields.find((f: { name: string }) => f.name === 'host').label['zh-CN']).toBe('主机');

    const ok = await json('POST', '/api/v1/admin/channels/test', { name: 'probe', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret' }, platform);
    expect(ok.body).toEqual({ ok: true, state: expect.any(String), reason: null, code: null, explanation: null });
    // the stored channel's masked password stands for its stored one
    const masked = await json('POST', '/api/v1/admin/channels/test', { name: 'vc', type: 'smpp', password: '********' }, platform);
    expect(masked.body.ok).toBe(true);

    const closed: Server = createServer();
    const closedPort = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)));
    await new Promise((r) => closed.close(r));
    const down = await json('POST', '/api/v1/admin/channels/test', { name: 'probe', type: 'smpp', host: '127.0.0.1', port: closedPort, systemId: 'tidings', password: 'secret' }, platform);
    expect(down.status).toBe(200);
    expect(down.body.ok).toBe(false);
    expect(down.body.reason).toBeTruthy();
    const invalid = await json('POST', '/api/v1/admin/channels/test', { name: 'probe', type: 'smpp', host: '127.0.0.1', port: 'x' }, platform);
    expect(invalid.status).toBe(400);
    expect(await s.deps.store.db.selectFrom('channels').select('name').where('name', '=', 'probe').executeTakeFirst()).toBeUndefined();
  }, 40_000);
});
