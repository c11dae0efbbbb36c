// GET /l/:code against a listening API node (SQLite), each request a different short link of a campaign: redirects
// per second and latency, measured by autocannon in a process of its own; every redirect records its click (the
// count is read after the server closed, so the last batch of clicks is in); the server's CPU per redirect survives a busy machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { buildApp } from '../src/api/app.ts';
import { newLinkCode } from '../src/domain/links.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { insertLinks } from '../src/store/repos/links.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { runSendLoad } from './support/load.ts';
import { profileWindow } from './support/profile.ts';

/** The 'links' scenario (issue 15): target ≥ 5,000 redirects/s with p99 < 20 ms. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  const config = loadConfig({}, { dataDir: dir, port: 0, host: '127.0.0.1', logLevel: 'warn', simulator: false });
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }) });
  const app = await buildApp(deps);
  let closed: PromiseLike<undefined> | null = null;
  try {
    const tenant = await createTenant(deps.store.db, { slug: 'bench' });
    const now = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const n = Math.min(ctx.messages, 100_000);
    const codes: string[] = [];
    for (let at = 0; at < n; at += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - at) }, (_, k) => {
        const code = newLinkCode();
        codes.push(code);
        return { tenantId: tenant.id, campaignId: 'bench', id: `m${at + k}`, phone: `+86138${String(at + k).padStart(8, '0')}`, createdAt: now, links: [{ code, url: 'https://shop.example/offer', expiresAt }] };
      });
      await insertLinks(deps.store.db, rows);
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const profile = await profileWindow('links');
    const rss = trackPeakRss();
    const cpu = process.cpuUsage();
    const load = await runSendLoad({ url: `http://127.0.0.1:${port}`, key: '', connections: 50, seconds: Number(process.env.TIDINGS_BENCH_SECONDS ?? 10), text: '', paths: codes.map((c) => `/l/${c}`) });
    const used = process.cpuUsage(cpu);
    await profile.stop();
    closed = app.close();
    await closed;
    const clicks = Number((await deps.store.db.selectFrom('link_clicks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { scenario: 'links', links: n, requests: load.requests, perSecond: load.perSecond, p50Ms: load.p50Ms, p99Ms: load.p99Ms, non2xx: load.non2xx, errors: load.errors, clicksRecorded: clicks,
      serverCpuUsPerRedirect: load.requests ? Math.round((used.user + used.system) / load.requests) : null, peakRssMb: rss.stop() };
  } finally {
    await (closed ?? app.close());
    await closeDeps(deps);
    rmSync(dir, { recursive: true, force: true });
  }
}
