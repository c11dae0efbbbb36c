// Tracked short links end to end: {{link:…}} in a campaign becomes a per-recipient short link on the handset, the
// redirect records clicks (bots apart), statistics per campaign, the link.clicked webhook, expiry, no open redirect.
import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { credit, waitFor, withCarrier } from './support/carrier.ts';
import { countSegments } from '../src/domain/text.ts';
import { newLinkCode } from '../src/domain/links.ts';
import { insertLinks } from '../src/store/repos/links.ts';
import { ClickBuffer } from '../src/api/click-buffer.ts';
import type { LinksTable } from '../src/store/database.ts';

const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';

describe.each(testDatabases)('tracked short links on $name', (database) => {
  const rig = withCarrier(database);

  it('refuses a {{link:}} that is not an http(s) URL at template save and accepts a valid one', async () => {
    const { s } = rig;
    const t = await s.tenant();
    for (const bad of ['{{link:}}', '{{link:javascript:alert(1)}}', '{{link:not a url}}', '{{link:https://user:pw@shop.example/}}']) {
      const r = await s.app.inject({ method: 'POST', url: '/api/v1/templates', headers: t.headers, payload: { name: 'x', category: 'notification', text: `Offer ${bad}` } });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().error.message).toContain('link');
    }
    const ok = await s.app.inject({ method: 'POST', url: '/api/v1/templates', headers: t.headers, payload: { name: 'ok', category: 'notification', text: 'Offer {{link:https://shop.example/offer}}' } });
    expect(ok.statusCode).toBe(201);
  });

  it('gives each recipient its own short link, counts it in segments and cost, redirects and counts clicks per campaign', async () => {
    const { s, carrier } = rig;
    const t = await s.tenant();
    const other = await s.tenant();
    await credit(s, carrier, t, 1000);
    await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: 'https://hooks.example.com/tidings', events: ['link.clicked'] } });
    const numbers = ['+8613800138501', '+8613800138502'];
    const target = 'https://shop.example/offer?x=1&y=2';
    const c = (await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: t.headers, payload: { name: 'links', audience: { numbers }, text: `Spring sale: {{link:${target}}} see you`, category: 'notification' } })).json();
    const pre = (await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${c.id}/preflight`, headers: t.headers })).json();
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${c.id}/start`, headers: t.headers })).statusCode).toBe(200);
    const messages = await waitFor(async () => {
      const list = (await s.app.inject({ url: `/api/v1/messages?campaignId=${c.id}`, headers: t.headers })).json().messages as { text: string; segments: number; to: string }[];
      return list.length === 2 ? list : null;
    }, 'the campaign messages');
    if (!messages) throw new Error('no messages');
    const codes = messages.map((m) => {
      const found = /\/l\/([A-Za-z0-9_-]{12}) see you/.exec(m.text);
      expect(found, m.text).not.toBeNull();
      expect(m.segments).toBe(countSegments(m.text));
      return found![1];
    });
    expect(new Set(codes).size).toBe(2);
    expect(pre.segments).toBe(messages.reduce((n, m) => n + m.segments, 0));
    await waitFor(() => numbers.every((n) => carrier.simulator.inbox(n).some((m) => m.text.includes('/l/'))), 'the texts on the handsets');

    const open = (code: string, ua: string) => s.app.inject({ url: `/l/${code}`, headers: { 'user-agent': ua } });
    const click = await open(codes[0], BROWSER);
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(target);
    await open(codes[0], BROWSER);
    const preview = await open(codes[1], 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)');
    expect(preview.statusCode).toBe(302);

    const stats = (await s.app.inject({ url: `/api/v1/campaigns/${c.id}/links`, headers: t.headers })).json();
    expect(stats).toMatchObject({ links: 2, recipients: 2, clicks: 2, uniqueClicks: 1, botFetches: 1, clickThroughRate: 0.5 });
    expect(stats.byDay).toEqual([{ day: new Date().toISOString().slice(0, 10), clicks: 2 }]);
    expect(stats.byRegion.reduce((n: number, r: { clicks: number }) => n + r.clicks, 0)).toBe(2);
    expect((await s.app.inject({ url: `/api/v1/campaigns/${c.id}/links`, headers: other.headers })).statusCode).toBe(404);
    const hooks = await s.deps.store.db.selectFrom('webhook_deliveries').select(['event', 'payload']).where('tenant_id', '=', t.id).where('event', '=', 'link.clicked').execute();
    expect(hooks).toHaveLength(2);
    expect(JSON.parse(hooks[0].payload)).toMatchObject({ code: codes[0], url: target, campaignId: c.id });
    expect(numbers).toContain(JSON.parse(hooks[0].payload).to);

    // expired: a page saying so; unknown or malformed codes: 404; a target is never taken from the request
    const old = newLinkCode();
    await insertLinks(s.deps.store.db, [{ tenantId: t.id, campaignId: c.id, id: 'old-message', phone: numbers[0], createdAt: '1999-12-01T00:00:00.000Z', links: [{ code: old, url: target, expiresAt: '2000-01-01T00:00:00.000Z' }] }]);
    const expired = await open(old, BROWSER);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('过期');
    for (const path of ['/l/AAAAAAAAAAAA', '/l/..%2F..%2Fetc', `/l/${codes[0]}x`, '/l/constructor', '/l/__proto__']) {
      const r = await s.app.inject({ url: path, headers: { 'user-agent': BROWSER } });
      expect(r.statusCode, path).toBe(404);
      expect(r.headers.location).toBeUndefined();
    }
    const redirect = await s.app.inject({ url: `/l/${codes[0]}?url=https://evil.example/`, headers: { 'user-agent': BROWSER } });
    expect(redirect.headers.location).toBe(target);
  });

  it('redirects with 301 when the tenant sets it, from its own link domain', async () => {
    const { s, carrier } = rig;
    const t = await s.tenant();
    await credit(s, carrier, t, 100);
    const set = await s.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: t.headers, payload: { linkDomain: 't.shop.example', linkRedirectStatus: 301 } });
    expect(set.statusCode, set.body).toBe(200);
    const sent = (await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: t.headers, payload: { to: '+8613800138601', text: 'Track {{link:https://shop.example/a}}' } })).json();
    const m = (await s.app.inject({ url: `/api/v1/messages/${sent.messages[0].id}`, headers: t.headers })).json();
    const code = /https:\/\/t\.shop\.example\/l\/([A-Za-z0-9_-]{12})/.exec(m.text)![1];
    const r = await s.app.inject({ url: `/l/${code}`, headers: { 'user-agent': BROWSER } });
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('https://shop.example/a');
  });

  it('counts every click of concurrent requests over real sockets, in stats and link.clicked webhooks, though they are written in batches', async () => {
    const { s } = rig;
    const t = await s.tenant();
    await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: 'https://hooks.example.com/clicks', events: ['link.clicked'] } });
    const c = (await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: t.headers, payload: { name: 'busy', audience: { numbers: ['+8613800138701'] }, text: 'x', category: 'notification' } })).json();
    const codes = Array.from({ length: 8 }, () => newLinkCode());
    const now = new Date();
    await insertLinks(s.deps.store.db, codes.map((code, i) => ({
      tenantId: t.id, campaignId: c.id, id: `busy-${i}`, phone: `+86138001387${String(i).padStart(2, '0')}`, createdAt: now.toISOString(),
      links: [{ code, url: `https://shop.example/p/${i}`, expiresAt: new Date(now.getTime() + 86_400_000).toISOString() }],
    })));
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const opens = await Promise.all(Array.from({ length: 120 }, (_, i) => fetch(`${address}/l/${codes[i % codes.length]}`, {
      redirect: 'manual', headers: { 'user-agent': i % 10 === 9 ? 'Slackbot-LinkExpanding 1.0' : BROWSER },
    })));
    expect(opens.map((r) => r.status)).toEqual(Array(120).fill(302));
    expect(opens.map((r) => r.headers.get('location'))).toEqual(opens.map((_, i) => `https://shop.example/p/${i % codes.length}`));
    const stats = (await s.app.inject({ url: `/api/v1/campaigns/${c.id}/links`, headers: t.headers })).json();
    expect(stats).toMatchObject({ links: 8, recipients: 8, clicks: 108, uniqueClicks: 8, botFetches: 12, clickThroughRate: 1 });
    const hooks = await s.deps.store.db.selectFrom('webhook_deliveries').select(['payload']).where('tenant_id', '=', t.id).where('event', '=', 'link.clicked').execute();
    expect(hooks).toHaveLength(108);
  });

  it('writes clicks in batches: none before the window ends, all at shutdown; a full buffer makes a click wait, never drops it', async () => {
    const { s } = rig;
    const t = await s.tenant();
    const code = newLinkCode();
    const link: LinksTable = { code, tenant_id: t.id, url: 'https://shop.example/b', campaign_id: null, message_id: null, phone: null, created_at: '', expires_at: '' };
    const count = async () => Number((await s.deps.store.db.selectFrom('link_clicks').select((eb) => eb.fn.countAll<number>().as('n')).where('code', '=', code).executeTakeFirstOrThrow()).n);
    const click = { at: new Date().toISOString(), userAgent: BROWSER, addressHash: 'h', bot: false };
    const buffer = new ClickBuffer(s.deps.store, s.deps.log, { flushMs: 60_000, maxBatch: 1000, maxPending: 50 });
    for (let i = 0; i < 30; i++) expect(buffer.add(link, click)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(0);
    await buffer.close();
    expect(await count()).toBe(30);
    expect(buffer.size).toBe(0);
    // from maxPending on, each click (its redirect) waits for a write; everything lands
    const waits = Array.from({ length: 120 }, () => buffer.add(link, click)).filter((w) => w !== undefined);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    await Promise.all(waits);
    await buffer.close();
    expect(await count()).toBe(150);
  });
});
