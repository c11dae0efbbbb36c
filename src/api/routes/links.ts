import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { CODE_PATTERN, isBot } from '../../domain/links.ts';
import { findLinks, linkStats } from '../../store/repos/links.ts';
import { getCampaign } from '../../store/repos/campaigns.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { LinkCache } from '../link-cache.ts';
import { ClickBuffer } from '../click-buffer.ts';

/** A small page for a link that is unknown or expired (Chinese first, as the console). */
function page(title: string, text: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head>`
    + `<body style="font-family:sans-serif;text-align:center;padding:3em 1em"><h1>${title}</h1><p>${text}</p></body></html>`;
}
const NOT_FOUND = page('链接不存在 · Link not found', '这个短链接不存在。<br>This short link does not exist.');
const EXPIRED = page('链接已过期 · Link expired', '这个短链接已过期。<br>This short link has expired.');

const statsSchema = z.object({
  links: z.number(), recipients: z.number(), clicks: z.number(), uniqueClicks: z.number(), botFetches: z.number(), clickThroughRate: z.number(),
  byDay: z.array(z.object({ day: z.string(), clicks: z.number() })), byRegion: z.array(z.object({ region: z.string(), clicks: z.number() })),
});

/**
 * Tracked short links: the redirect every API node serves (`GET /l/:code`) and click statistics per campaign. A
 * redirect reads its link from a bounded in-memory cache and leaves its click to the click buffer (written in batches,
 * flushed when the server closes), so it does no database work of its own.
 */
export function linkRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const links = new LinkCache((codes) => findLinks(deps.store, codes));
  const clicks = new ClickBuffer(deps.store, deps.log);
  app.addHook('onClose', () => clicks.close());
  const redirectStatus = new Map<string, { at: number; status: 301 | 302 }>();

  /** The tenant's redirect status (301 or 302 by setting), cached for a few seconds. */
  async function statusOf(tenantId: string): Promise<301 | 302> {
    const hit = redirectStatus.get(tenantId);
    if (hit && Date.now() - hit.at < 10_000) return hit.status;
    const status = (await findTenant(db, tenantId))?.settings.linkRedirectStatus === 301 ? 301 : 302;
    redirectStatus.set(tenantId, { at: Date.now(), status });
    return status;
  }

  app.get('/l/:code', {
    schema: { tags: ['links'], summary: 'Open a tracked short link: redirects to its target and records the click', security: [], params: z.object({ code: z.string().max(64) }) },
    config: { permission: 'public' },
  }, async (request, reply) => {
    const code = request.params.code;
    const link = CODE_PATTERN.test(code) ? await links.get(code) : undefined;
    if (!link) return reply.status(404).type('text/html; charset=utf-8').send(NOT_FOUND);
    const at = deps.now().toISOString();
    if (link.expires_at <= at) return reply.status(410).type('text/html; charset=utf-8').send(EXPIRED);
    const userAgent = request.headers['user-agent'] ?? null;
    // the address is kept only as a hash, salted with the link's code (no cross-link tracking of an address)
    const full = clicks.add(link, { at, userAgent, addressHash: createHash('sha256').update(`${link.code}|${request.ip}`).digest('hex'), bot: isBot(userAgent ?? undefined) });
    if (full) await full;
    // only ever the target stored with this code: never a URL taken from the request (no open redirect)
    return reply.status(await statusOf(link.tenant_id)).header('cache-control', 'no-store').header('location', link.url).send();
  });

  app.get('/api/v1/campaigns/:id/links', {
    schema: { tags: ['links'], summary: 'Click statistics of a campaign\'s tracked links: click-through rate, clicks per day and per region (bots and link previews apart)', params: z.object({ id: z.string() }), response: { 200: statsSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const campaign = await getCampaign(db, tenantId, request.params.id);
    if (!campaign) throw notFound('campaign');
    // this node's clicks still in memory count too (another node's after its next write, a fraction of a second)
    await clicks.flush();
    return linkStats(db, tenantId, campaign.id);
  });
}
