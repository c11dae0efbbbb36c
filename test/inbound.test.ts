import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { startReceiver, type Receiver } from './support/webhook-receiver.ts';
import type { InboundMessage } from '../src/channels/channel.ts';
import { verifySignature } from '../src/domain/webhooks.ts';
import { handleInbound } from '../src/worker/inbound.ts';
import { queueMessages } from '../src/worker/outbox.ts';
import { startWebhookDelivery } from '../src/worker/webhooks.ts';
import { createChannel, reportChannelState } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';

const SHARED = '10690001';

describe.each(testDatabases)('two-way messaging on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let channelId: string;
  let receiver: Receiver;
  let platform: Record<string, string>;
  let n = 0;
  const phone = () => `+86138${String(10_000_000 + ++n * 7919).slice(-8)}`;
  const mo = (from: string, text: string, to = `${SHARED}01`): InboundMessage =>
    ({ channel: 'sim', from: from.replace(/^\+/, ''), to, text, receivedAt: s.deps.now(), dataCoding: 8, parts: 1 });
  const db = () => s.deps.store.db;
  const messagesTo = (tenantId: string, p: string) => db().selectFrom('messages').selectAll().where('tenant_id', '=', tenantId).where('phone', '=', p).orderBy('created_at').execute();
  const inboundFrom = (p: string) => db().selectFrom('inbound_messages').selectAll().where('phone', '=', p).orderBy('id').execute();

  beforeAll(async () => {
    s = await startTestServer(database, { webhookAllowPrivate: true });
    a = await s.tenant();
    b = await s.tenant();
    platform = { authorization: `Bearer ${await s.platformKey()}` };
    const now = new Date().toISOString();
    const ch = await createChannel(db(), { name: 'sim', type: 'smpp', config: { name: 'sim', type: 'smpp', host: '127.0.0.1', port: 1 } }, now);
    channelId = ch.id;
    await reportChannelState(db(), ch.id, 'test-node', { state: 'bound', reason: null, counters: {} }, now);
    await createRoute(db(), { channelId: ch.id, price: 0n }, now);
    await createServiceNumber(db(), { number: SHARED }, now);
    await setTenantCode(db(), a.id, '01', now);
    await setTenantCode(db(), b.id, '02', now);
    receiver = await startReceiver();
    const hook = await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: a.headers, payload: { url: receiver.url, events: ['message.inbound'] } });
    expect(hook.statusCode).toBe(201);
    (globalThis as Record<string, unknown>).__secret = hook.json().secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await s?.close();
  });

  it.each(['TD', 'stop', 'Ｔ Ｄ', '退订'])('"%s" opts out: contact marked, one confirmation, marketing excluded, inbox thread, signed webhook', async (word) => {
    const p = phone();
    const contact = await s.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: a.headers, payload: { phone: p, name: 'Li' } });
    const campaign = await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone: p }], text: 'Big sale today', category: 'marketing', source: 'campaign' });
    expect(campaign[0].status).toBe('queued');
    const before = receiver.received.length;

    await handleInbound(s.deps, channelId, mo(p, word));
    await handleInbound(s.deps, channelId, mo(p, word)); // a second refusal: no second confirmation

    const ins = await inboundFrom(p);
    expect(ins).toHaveLength(2);
    expect(ins.every((i) => i.tenant_id === a.id && i.action === 'opt_out' && i.attribution === 'extension')).toBe(true);
    expect(ins[1].reply_status).toBe('suppressed:already_confirmed');
    const c = await db().selectFrom('contacts').selectAll().where('tenant_id', '=', a.id).where('phone', '=', p).executeTakeFirstOrThrow();
    expect(c.opted_out_at).not.toBeNull();
    expect(c.opted_out_channel).toMatch(/^sms:/);
    if (contact.statusCode === 201) expect(c.id).toBe(contact.json().id);
    const evidence = await db().selectFrom('consents').selectAll().where('contact_id', '=', c.id).execute();
    expect(evidence.some((e) => e.status === 'withdrawn' && e.text_shown === word)).toBe(true);
    const out = await messagesTo(a.id, p);
    const marketing = out.filter((m) => m.category === 'marketing');
    expect(marketing.map((m) => [m.status, m.reason])).toEqual([['excluded', 'opted_out']]);
    const confirmations = out.filter((m) => m.category === 'notification');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0].status).toBe('queued');
    expect(confirmations[0].sender).toBe(`${SHARED}01`);
    expect(ins[0].reply_message_id).toBe(confirmations[0].id);
    // A later marketing send to that number is excluded by pre-flight.
    expect((await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone: p }], text: 'Again', category: 'marketing' }))[0].reason).toBe('opted_out');

    const inbox = (await s.app.inject({ url: `/api/v1/inbox?q=${encodeURIComponent(p)}`, headers: a.headers })).json();
    expect(inbox.conversations).toHaveLength(1);
    expect(inbox.conversations[0].unread).toBe(2);
    const thread = (await s.app.inject({ url: `/api/v1/inbox/${inbox.conversations[0].id}`, headers: a.headers })).json();
    expect(thread.messages.map((m: { direction: string }) => m.direction)).toEqual(expect.arrayContaining(['in', 'out']));
    expect(thread.messages.some((m: { text: string; category: string }) => m.category === 'marketing' && m.text.includes('Big sale'))).toBe(true);

    const worker = startWebhookDelivery(s.deps, { pollMs: 10 });
    try {
      const got = (await receiver.waitFor(before + 2)).slice(before);
      const secret = (globalThis as Record<string, unknown>).__secret as string;
      for (const r of got) {
        expect(r.json.event).toBe('message.inbound');
        expect(verifySignature(r.headers['x-tidings-signature'] as string, secret, r.body, Math.floor(Date.now() / 1000))).toBe(true);
      }
      expect(got.map((r) => r.json.data.from)).toEqual([p, p]);
      expect(got[0].json.data).toMatchObject({ text: word, action: 'opt_out', attribution: 'extension' });
    } finally { await worker.stop(); }
  });

  it('attributes by extension, by the last sender on a bare shared number, and sends the rest to the admin inbox', async () => {
    const p = phone();
    await handleInbound(s.deps, channelId, mo(p, 'hello B', `${SHARED}02`));
    expect((await inboundFrom(p))[0]).toMatchObject({ tenant_id: b.id, attribution: 'extension' });

    const q = phone();
    await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone: q }], text: 'from A', category: 'notification' });
    await new Promise((r) => setTimeout(r, 5));
    await queueMessages(s.deps, { tenantId: b.id, recipients: [{ phone: q }], text: 'from B', category: 'notification' });
    await handleInbound(s.deps, channelId, mo(q, 'who is this?', SHARED));
    expect((await inboundFrom(q))[0]).toMatchObject({ tenant_id: b.id, attribution: 'last_sender' });

    const stranger = phone();
    await handleInbound(s.deps, channelId, mo(stranger, 'anyone?', '999'));
    const row = (await inboundFrom(stranger))[0];
    expect(row).toMatchObject({ tenant_id: null, attribution: 'none', action: 'unattributed' });
    const admin = (await s.app.inject({ url: '/api/v1/admin/inbound', headers: platform })).json().messages;
    expect(admin.map((m: { id: string }) => m.id)).toContain(row.id);
    expect((await s.app.inject({ url: '/api/v1/admin/inbound', headers: a.headers })).statusCode).toBe(403);
    expect((await s.app.inject({ url: `/api/v1/inbound/${row.id}`, headers: a.headers })).statusCode).toBe(404);
    const assigned = await s.app.inject({ method: 'POST', url: `/api/v1/admin/inbound/${row.id}/assign`, headers: platform, payload: { tenant: a.slug } });
    expect(assigned.json()).toMatchObject({ tenantId: a.id, attribution: 'manual' });
    expect((await s.app.inject({ url: `/api/v1/inbound/${row.id}`, headers: a.headers })).statusCode).toBe(200);
  });

  it('stores empty MO, odd number formats and alphanumeric senders without answering machines', async () => {
    const p = phone();
    const bare = p.slice(3);
    for (const from of [`+86 ${bare.slice(0, 3)}-${bare.slice(3, 7)}-${bare.slice(7)}`, `0086${bare}`, bare, `86${bare}`]) {
      await handleInbound(s.deps, channelId, { ...mo(p, ''), from });
    }
    const rows = await inboundFrom(p);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.action === 'none' && r.reply_message_id === null && r.tenant_id === a.id)).toBe(true);
    await s.app.inject({ method: 'POST', url: '/api/v1/keywords/rules', headers: a.headers, payload: { name: 'all', match: 'catch_all', reply: 'Thanks!' } });
    await handleInbound(s.deps, channelId, { ...mo(p, 'HELP'), from: 'BANK' });
    const bank = await inboundFrom('BANK');
    expect(bank).toHaveLength(1);
    expect(bank[0].reply_status).toBe('suppressed:not_a_mobile_number');
    await handleInbound(s.deps, channelId, { ...mo(p, 'x'.repeat(2000)), parts: 13, incomplete: true });
    const long = (await inboundFrom(p)).at(-1)!;
    expect(long.text).toHaveLength(2000);
    expect(long.incomplete).toBe(1);
  });

  it('routes HELP, opt-in and keyword rules (exact, prefix with variables, pattern, active dates, catch-all) and records the rule', async () => {
    const mk = async (body: Record<string, unknown>) => {
      const r = await s.app.inject({ method: 'POST', url: '/api/v1/keywords/rules', headers: b.headers, payload: body });
      expect(r.statusCode).toBe(201);
      return r.json();
    };
    const exact = await mk({ name: 'hours', match: 'exact', pattern: 'HOURS', reply: 'Open 9-18' });
    const prefix = await mk({ name: 'buy', match: 'prefix', pattern: 'BUY', reply: 'Order for {{rest}} received, {{name|customer}}' });
    const pattern = await mk({ name: 'order', match: 'pattern', pattern: '^order\\s*#?(\\d+)', reply: 'Order {{rest}} is on its way' });
    await mk({ name: 'future', match: 'exact', pattern: 'PROMO', reply: 'not yet', activeFrom: new Date(Date.now() + 86_400_000).toISOString() });
    const all = await mk({ name: 'fallback', match: 'catch_all', reply: 'We got your message' });
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/keywords/rules', headers: b.headers, payload: { name: 'bad', match: 'pattern', pattern: '(' } })).statusCode).toBe(400);
    await s.app.inject({ method: 'PUT', url: '/api/v1/keywords/settings', headers: b.headers, payload: { replies: { help: 'Call 400-800' } } });

    const cases: [string, string, string | null, RegExp | null][] = [
      ['hours!', 'rule', exact.id, /^Open 9-18$/],
      ['Buy 2 tickets', 'rule', prefix.id, /^Order for 2 tickets received, customer$/],
      ['Order #123', 'rule', pattern.id, /^Order 123 is on its way$/],
      ['promo', 'rule', all.id, /We got your message/],
      ['帮助', 'help', null, /Call 400-800/],
      ['ＳＴＡＲＴ', 'opt_in', null, /./],
    ];
    for (const [text, action, ruleId, reply] of cases) {
      const p = phone();
      await handleInbound(s.deps, channelId, mo(p, text, `${SHARED}02`));
      const [row] = await inboundFrom(p);
      expect(row.action, text).toBe(action);
      expect(row.rule_id, text).toBe(ruleId);
      const out = await messagesTo(b.id, p);
      expect(out, text).toHaveLength(1);
      expect(out[0].text, text).toMatch(reply!);
    }
    const rules = (await s.app.inject({ url: '/api/v1/keywords/rules', headers: b.headers })).json().rules;
    expect(rules.find((r: { id: string }) => r.id === exact.id).hits).toBe(1);
    // Keywords are walled off: A sees none of B's rules and cannot change them.
    expect((await s.app.inject({ url: '/api/v1/keywords/rules', headers: a.headers })).json().rules.map((r: { id: string }) => r.id)).not.toContain(exact.id);
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/keywords/rules/${exact.id}`, headers: a.headers, payload: { enabled: false } })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/keywords/rules/${exact.id}`, headers: a.headers })).statusCode).toBe(404);
    expect((await s.app.inject({ url: '/api/v1/keywords/settings', headers: a.headers })).json().replies.help).not.toBe('Call 400-800');
  });

  it('stores every MO of a flood from one number and rate-limits the replies; never answers an auto-reply or its own echo', async () => {
    const p = phone();
    await Promise.all(Array.from({ length: 40 }, (_, i) => handleInbound(s.deps, channelId, mo(p, `question ${i}`, `${SHARED}02`))));
    const rows = await inboundFrom(p);
    expect(rows).toHaveLength(40);
    const replied = rows.filter((r) => r.reply_message_id);
    expect(replied).toHaveLength(3);
    expect(rows.filter((r) => r.reply_status === 'suppressed:rate_limited')).toHaveLength(37);
    expect(await messagesTo(b.id, p)).toHaveLength(3);

    const q = phone();
    await handleInbound(s.deps, channelId, mo(q, 'Auto-reply: I am out of the office', `${SHARED}02`));
    await handleInbound(s.deps, channelId, mo(q, '自动回复：您好，我现在不方便', `${SHARED}02`));
    const auto = await inboundFrom(q);
    expect(auto.map((r) => r.reply_status)).toEqual(['suppressed:automated_message', 'suppressed:automated_message']);
    const e = phone();
    await handleInbound(s.deps, channelId, mo(e, 'hi there', `${SHARED}02`));
    const [first] = await messagesTo(b.id, e);
    await handleInbound(s.deps, channelId, mo(e, first.text, `${SHARED}02`));
    await handleInbound(s.deps, channelId, mo(e, 'hi there', `${SHARED}02`));
    expect((await inboundFrom(e)).map((r) => r.reply_status)).toEqual(['queued', 'suppressed:echo_of_our_reply', 'suppressed:repeated_message']);
    expect(await messagesTo(b.id, e)).toHaveLength(1);
  });

  it('inbox: unread, read, assignment, manual reply through the outbox, search, exports escaped, tenant isolation', async () => {
    const p = phone();
    await handleInbound(s.deps, channelId, mo(p, '=HYPERLINK("http://evil")', `${SHARED}02`));
    const list = (await s.app.inject({ url: '/api/v1/inbox?unread=true&q=HYPERLINK', headers: b.headers })).json();
    expect(list.conversations).toHaveLength(1);
    const conv = list.conversations[0];
    expect((await s.app.inject({ url: `/api/v1/inbox/${conv.id}`, headers: a.headers })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/inbox/${conv.id}/reply`, headers: a.headers, payload: { text: 'x' } })).statusCode).toBe(404);
    expect((await s.app.inject({ url: '/api/v1/inbox?q=HYPERLINK', headers: a.headers })).json().conversations).toHaveLength(0);

    const promo = await s.app.inject({ method: 'POST', url: `/api/v1/inbox/${conv.id}/reply`, headers: b.headers, payload: { text: '20% off for you', category: 'marketing' } });
    expect(promo.statusCode).toBe(400); // marketing as free text needs the operator's permission, in a reply too
    expect(promo.json().error.details).toMatchObject({ field: 'text' });
    const reply = await s.app.inject({ method: 'POST', url: `/api/v1/inbox/${conv.id}/reply`, headers: b.headers, payload: { text: 'We will call you' } });
    expect(reply.statusCode).toBe(202);
    expect(reply.json().message).toMatchObject({ to: p, status: 'queued' });
    const after = (await s.app.inject({ url: `/api/v1/inbox/${conv.id}`, headers: b.headers })).json();
    expect(after.unread).toBe(0);
    expect(after.messages.at(-1)).toMatchObject({ direction: 'out', text: 'We will call you' });

    const user = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: b.headers, payload: { email: `agent${n}@b.test`, role: 'operator', password: 'password-123' } });
    const assigned = await s.app.inject({ method: 'PATCH', url: `/api/v1/inbox/${conv.id}`, headers: b.headers, payload: { assignedTo: user.json().id } });
    expect(assigned.json().assignedTo).toBe(user.json().id);
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/inbox/${conv.id}`, headers: b.headers, payload: { assignedTo: 'nobody' } })).statusCode).toBe(400);
    expect((await s.app.inject({ url: `/api/v1/inbox?assigned=${user.json().id}`, headers: b.headers })).json().conversations.map((c: { id: string }) => c.id)).toEqual([conv.id]);

    const csv = await s.app.inject({ url: '/api/v1/inbox/export?format=csv&q=HYPERLINK', headers: b.headers });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const xlsx = await s.app.inject({ url: '/api/v1/inbox/export?format=xlsx&q=HYPERLINK', headers: b.headers });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const values = wb.worksheets[0].getSheetValues().flat().filter((v) => typeof v === 'string') as string[];
    // typed text in XLSX (no apostrophe needed): a string cell, never a formula
    expect(values).toContain('=HYPERLINK("http://evil")');
    expect(wb.worksheets[0].getSheetValues().flat().some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
    expect(values).toContain('We will call you');
  });
});
