import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { approvedSignature } from './support/signatures.ts';
import { getTemplateForSending } from '../src/store/repos/templates.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { addSensitiveWords, loadSensitiveWordMatcher, platformScope } from '../src/store/repos/sensitive-words.ts';
import { DomainError } from '../src/domain/errors.ts';

describe.each(testDatabases)('templates and sensitive words on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let platform: Record<string, string>;
  const inject = (o: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; headers: Record<string, string>; payload?: unknown }) =>
    s.app.inject({ method: o.method ?? 'GET', url: o.url, headers: o.headers, payload: o.payload as Record<string, unknown> | undefined });

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant('shop-a');
    b = await s.tenant('shop-b');
    platform = { authorization: `Bearer ${await s.platformKey()}` };
    await approvedSignature(s, a, '【好药房】');
    const settings = await inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: {
      signature: '【好药房】', signaturePosition: 'prefix', timezone: 'Asia/Shanghai', defaultCountry: 'CN', languages: ['zh-CN'],
      optOutTexts: { 'zh-CN': '退订回N' }, linkAllowList: ['hao.cn'], sendWindows: ['10:30-12:00', { days: [1, 2, 3, 4, 5], start: '15:30', end: '18:00' }],
      quietHours: { start: '21:00', end: '08:00' }, frequencyCap: { max: 1, days: 14, category: 'marketing' },
    } });
    expect(settings.statusCode).toBe(200);
  });
  afterAll(async () => s?.close());

  it('rejects bad tenant settings for windows and caps with the field', async () => {
    const r = await inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { sendWindows: [{ start: '25:00', end: '10:00' }] } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.fields[0].field).toMatch(/^body\.sendWindows/);
    const cap = await inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { frequencyCap: { max: 1 } } });
    expect(cap.statusCode).toBe(400);
  });

  it('runs the approval workflow: draft → pending → approved, an edit resets it, rejection needs a note', async () => {
    const created = await inject({ method: 'POST', url: '/api/v1/templates', headers: a.headers, payload: { name: '会员日', category: 'marketing', text: '{{name|顾客}}您好，会员日全场8折' } });
    expect(created.statusCode).toBe(201);
    const t = created.json();
    expect(t).toMatchObject({ status: 'draft', usable: false, category: 'marketing' });
    expect(t.warnings).toEqual([]); // signature and opt-out are added when sent
    await expect(getTemplateForSending(s.deps.store.db, a.id, t.id)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/not approved/) });

    expect((await inject({ method: 'POST', url: `/api/v1/admin/templates/${t.id}/approve`, headers: platform, payload: {} })).statusCode).toBe(409);
    const submitted = await inject({ method: 'POST', url: `/api/v1/templates/${t.id}/submit`, headers: a.headers });
    expect(submitted.json()).toMatchObject({ status: 'pending' });
    expect((await inject({ method: 'POST', url: `/api/v1/templates/${t.id}/submit`, headers: a.headers })).statusCode).toBe(409);

    const queue = await inject({ url: '/api/v1/admin/templates?status=pending', headers: platform });
    expect(queue.statusCode).toBe(200);
    expect(queue.json().templates.map((x: { id: string; tenantSlug: string }) => [x.id, x.tenantSlug])).toContainEqual([t.id, 'shop-a']);
    // the reviewer sees the text as recipients get it: the tenant's signature and opt-out text around the template
    expect(queue.json().templates.find((x: { id: string }) => x.id === t.id).asSent).toBe('【好药房】{{name|顾客}}您好，会员日全场8折 退订回N');
    expect((await inject({ url: '/api/v1/admin/templates', headers: a.headers })).statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: `/api/v1/admin/templates/${t.id}/approve`, headers: a.headers, payload: {} })).statusCode).toBe(403);

    const approved = await inject({ method: 'POST', url: `/api/v1/admin/templates/${t.id}/approve`, headers: platform, payload: { note: 'ok' } });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', usable: true, reviewNote: 'ok' });
    expect(approved.json().approvedAt).toBeTruthy();
    expect((await getTemplateForSending(s.deps.store.db, a.id, t.id)).status).toBe('approved');

    const renamed = await inject({ method: 'PATCH', url: `/api/v1/templates/${t.id}`, headers: a.headers, payload: { name: '会员日 6月' } });
    expect(renamed.json()).toMatchObject({ status: 'approved', reset: false });
    const edited = await inject({ method: 'PATCH', url: `/api/v1/templates/${t.id}`, headers: a.headers, payload: { text: '{{name|顾客}}您好，会员日全场7折' } });
    expect(edited.json()).toMatchObject({ status: 'draft', reset: true, approvedAt: null, approvedBy: null, usable: false });
    await expect(getTemplateForSending(s.deps.store.db, a.id, t.id)).rejects.toBeInstanceOf(DomainError);

    await inject({ method: 'POST', url: `/api/v1/templates/${t.id}/submit`, headers: a.headers });
    const noNote = await inject({ method: 'POST', url: `/api/v1/admin/templates/${t.id}/reject`, headers: platform, payload: {} });
    expect(noNote.statusCode).toBe(400);
    const rejected = await inject({ method: 'POST', url: `/api/v1/admin/templates/${t.id}/reject`, headers: platform, payload: { note: '折扣描述不清' } });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reviewNote: '折扣描述不清' });
    expect((await inject({ method: 'POST', url: `/api/v1/templates/${t.id}/submit`, headers: a.headers })).json().status).toBe('pending');

    const audit = (await inject({ url: '/api/v1/audit', headers: a.headers })).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['template.create', 'template.submit', 'template.approve', 'template.reject', 'template.update']));
    const platformAudit = (await inject({ url: '/api/v1/admin/audit', headers: platform })).json().entries.map((e: { action: string }) => e.action);
    expect(platformAudit).toEqual(expect.arrayContaining(['template.approve', 'template.reject']));
  });

  it('lets notification and verification templates be used without approval, unless rejected', async () => {
    const t = (await inject({ method: 'POST', url: '/api/v1/templates', headers: a.headers, payload: { name: '验证码', category: 'verification', text: '验证码{{code}}，5分钟内有效' } })).json();
    expect(t.usable).toBe(true);
    expect((await getTemplateForSending(s.deps.store.db, a.id, t.id)).id).toBe(t.id);
    await inject({ method: 'POST', url: `/api/v1/templates/${t.id}/submit`, headers: a.headers });
    await inject({ method: 'POST', url: `/api/v1/admin/templates/${t.id}/reject`, headers: platform, payload: { note: 'no' } });
    await expect(getTemplateForSending(s.deps.store.db, a.id, t.id)).rejects.toMatchObject({ code: 'conflict' });
    // Turning it into marketing after approval resets it too.
    const n = (await inject({ method: 'POST', url: '/api/v1/templates', headers: a.headers, payload: { name: '通知', category: 'notification', text: '您的订单已发货' } })).json();
    await inject({ method: 'POST', url: `/api/v1/templates/${n.id}/submit`, headers: a.headers });
    await inject({ method: 'POST', url: `/api/v1/admin/templates/${n.id}/approve`, headers: platform, payload: {} });
    const m = await inject({ method: 'PATCH', url: `/api/v1/templates/${n.id}`, headers: a.headers, payload: { category: 'marketing' } });
    expect(m.json()).toMatchObject({ status: 'draft', reset: true, usable: false });
  });

  it('enforces roles: a viewer reads, an operator writes', async () => {
    const viewer = await s.tenant(undefined, 'viewer');
    expect((await inject({ url: '/api/v1/templates', headers: viewer.headers })).statusCode).toBe(200);
    expect((await inject({ method: 'POST', url: '/api/v1/templates', headers: viewer.headers, payload: { name: 'x', category: 'notification', text: 'x' } })).statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: '/api/v1/sensitive-words', headers: viewer.headers, payload: { words: ['x'] } })).statusCode).toBe(403);
    const operator = await s.tenant(undefined, 'operator');
    expect((await inject({ method: 'POST', url: '/api/v1/templates', headers: operator.headers, payload: { name: 'x', category: 'notification', text: 'x' } })).statusCode).toBe(201);
    const bad = await inject({ method: 'POST', url: '/api/v1/templates', headers: operator.headers, payload: { name: '', category: 'spam', text: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body.name', 'body.category', 'body.text']));
  });

  it('walls tenants off: B gets 404 on A’s templates and never sees them', async () => {
    const t = (await inject({ method: 'POST', url: '/api/v1/templates', headers: a.headers, payload: { name: 'secret', category: 'notification', text: 'A only' } })).json();
    expect((await inject({ url: `/api/v1/templates/${t.id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await inject({ method: 'PATCH', url: `/api/v1/templates/${t.id}`, headers: b.headers, payload: { text: 'hijack' } })).statusCode).toBe(404);
    expect((await inject({ method: 'DELETE', url: `/api/v1/templates/${t.id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: `/api/v1/templates/${t.id}/submit`, headers: b.headers })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { templateId: t.id } })).statusCode).toBe(404);
    await expect(getTemplateForSending(s.deps.store.db, b.id, t.id)).rejects.toMatchObject({ code: 'not_found' });
    const list = (await inject({ url: '/api/v1/templates', headers: b.headers })).json().templates;
    expect(list.map((x: { id: string }) => x.id)).not.toContain(t.id);
    expect((await inject({ url: `/api/v1/templates/${t.id}`, headers: a.headers })).json().text).toBe('A only');
    expect((await inject({ method: 'DELETE', url: `/api/v1/templates/${t.id}`, headers: a.headers })).statusCode).toBe(204);
    expect((await inject({ url: `/api/v1/templates/${t.id}`, headers: a.headers })).statusCode).toBe(404);
  });

  it('keeps tenant and platform word lists, deduped across case and width, platform list hidden from tenants', async () => {
    const added = await inject({ method: 'POST', url: '/api/v1/sensitive-words', headers: a.headers, payload: { words: ['特效药', 'Miracle', 'MIRACLE', 'ｍｉｒａｃｌｅ'] } });
    expect(added.statusCode).toBe(201);
    expect(added.json().added.map((w: { word: string }) => w.word)).toEqual(['特效药', 'Miracle']);
    expect(added.json().duplicates).toHaveLength(2);
    expect((await inject({ method: 'POST', url: '/api/v1/sensitive-words', headers: a.headers, payload: { words: ['miracle'] } })).json().duplicates).toEqual(['miracle']);
    expect((await inject({ method: 'POST', url: '/api/v1/sensitive-words', headers: a.headers, payload: { words: ['  '] } })).json().error.details.field).toBe('word');
    const platformAdd = await inject({ method: 'POST', url: '/api/v1/admin/sensitive-words', headers: platform, payload: { words: ['代开发票'] } });
    expect(platformAdd.statusCode).toBe(201);
    expect((await inject({ url: '/api/v1/admin/sensitive-words', headers: a.headers })).statusCode).toBe(403);
    const listA = (await inject({ url: '/api/v1/sensitive-words', headers: a.headers })).json().words.map((w: { word: string }) => w.word);
    expect(listA).toEqual(['Miracle', '特效药']);
    expect((await inject({ url: '/api/v1/sensitive-words', headers: b.headers })).json().words).toEqual([]);
    const matcherB = await loadSensitiveWordMatcher(s.deps.store.db, b.id);
    expect(matcherB.find('特效药 代开发票').map((h) => h.word)).toEqual(['代开发票']);
    await addSensitiveWords(s.deps.store.db, platformScope, ['博彩']);
    expect((await loadSensitiveWordMatcher(s.deps.store.db, a.id)).size).toBe(4);
    const del = await inject({ method: 'DELETE', url: '/api/v1/sensitive-words/MIRACLE', headers: a.headers });
    expect(del.json().word).toBe('Miracle');
    const id = (await inject({ url: '/api/v1/sensitive-words', headers: a.headers })).json().words[0].id;
    expect((await inject({ method: 'DELETE', url: `/api/v1/sensitive-words/${id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await inject({ method: 'DELETE', url: `/api/v1/sensitive-words/${id}`, headers: a.headers })).statusCode).toBe(200);
  });

  it('previews a recipient’s text: variables, dates, signature, opt-out, segments, cost and lint', async () => {
    await addSensitiveWords(s.deps.store.db, a.id, ['根治']);
    const now = new Date().toISOString();
    await s.deps.store.db.insertInto('contacts').values({
      id: 'c-preview', tenant_id: a.id, phone: '+8613800138000', name: '王芳', language: 'zh-CN', timezone: 'Asia/Shanghai',
      fields: JSON.stringify({ points: 320, due: '2024-07-01T02:00:00Z' }), country: 'CN', number_type: null, carrier: null, region: null,
      province: null, city: null, opted_out_at: null, opted_out_channel: null, created_at: now, updated_at: now, last_messaged_at: null, last_replied_at: null,
    }).execute();
    const r = await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: a.headers, payload: {
      text: '{{name}}您好，积分{{points}}将于{{due:M月d日 HH:mm}}到期，{{coupon}}根治 详见 https://evil.com/x', category: 'marketing', phone: '13800138000', pricePerSegment: '4',
    } });
    expect(r.statusCode).toBe(200);
    const p = r.json();
    expect(p.text).toBe('【好药房】王芳您好，积分320将于7月1日 10:00到期，根治 详见 https://evil.com/x 退订回N');
    expect(p.optOutText).toBe('退订回N');
    expect(p.encoding).toBe('ucs2');
    expect(p.segments).toBe(1);
    expect(p.cost).toBe('4');
    expect(p.missing).toEqual(['coupon']);
    expect(p.warnings.map((w: { code: string }) => w.code)).toEqual(['sensitive_word', 'link_not_allowed', 'missing_variable']);
    const hit = p.warnings.find((w: { code: string }) => w.code === 'sensitive_word');
    expect(p.text.slice(hit.index, hit.index + hit.length)).toBe('根治');

    const en = (await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: {
      text: 'Hi {{name|there}}, 20% off today at hao.cn/s', category: 'marketing', phone: '+14155550100', pricePerSegment: 7, compose: true,
    } })).json();
    expect(en.text).toBe('Hi there, 20% off today at hao.cn/s Reply STOP to opt out');
    expect(en.encoding).toBe('gsm7');
    expect(en.cost).toBe('7');
    expect(en.warnings.map((w: { code: string }) => w.code)).toEqual(['missing_signature']);

    const long = (await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { text: 'x'.repeat(200), pricePerSegment: 5 } })).json();
    expect([long.segments, long.parts.length, long.cost]).toEqual([2, 2, '10']);
    const ru = (await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { text: 'Скидка 10%', category: 'marketing', phone: '+79161234567' } })).json();
    expect(ru.text).toBe('Скидка 10% СТОП — отписаться');
    expect((await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { category: 'marketing' } })).statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { text: 'x', phone: 'abc' } })).json().error.details.field).toBe('phone');

    // without a price, the cost is what the recipient's route charges (a route for the tenant's country without a number)
    const now2 = new Date().toISOString();
    const channel = await createChannel(s.deps.store.db, { name: 'preview-cost', type: 'smpp', config: { name: 'preview-cost', type: 'smpp', host: '127.0.0.1', port: 1, systemId: 'x', password: 'y' } }, now2);
    await createRoute(s.deps.store.db, { channelId: channel.id, price: 6n, tenantId: b.id }, now2);
    s.deps.router.invalidate();
    const priced = (await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { text: 'x'.repeat(200) } })).json();
    expect([priced.segments, priced.cost]).toEqual([2, '12']);
    const forPhone = await inject({ method: 'POST', url: '/api/v1/templates/preview', headers: b.headers, payload: { text: 'hello', phone: '+8613900001111' } });
    expect(forPhone.json().cost, forPhone.body).toBe('6');
  });

  it('lints stored templates with the tenant settings', async () => {
    await addSensitiveWords(s.deps.store.db, a.id, ['最低价']);
    const t = (await inject({ method: 'POST', url: '/api/v1/templates', headers: a.headers, payload: { name: 'lint', category: 'marketing', text: '全网最低价 t.cn/abc' } })).json();
    expect(t.warnings.map((w: { code: string; subject: string }) => [w.code, w.subject])).toEqual([['sensitive_word', '最低价'], ['link_not_allowed', 't.cn/abc']]);
    const got = (await inject({ url: `/api/v1/templates/${t.id}`, headers: a.headers })).json();
    expect(got.warnings).toHaveLength(2);
  });

  it('lists the openapi paths', async () => {
    const paths = Object.keys((await s.app.inject('/api/openapi.json')).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/templates', '/api/v1/templates/preview', '/api/v1/admin/templates/{id}/approve', '/api/v1/sensitive-words']));
  });
});
