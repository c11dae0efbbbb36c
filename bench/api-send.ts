// POST /api/v1/messages with one recipient over 50 connections against a listening server (embedded mode,
// SQLite, its worker sending through the virtual carrier in-process): requests per second and latency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { startNode } from '../src/server.ts';
import { createApiKey } from '../src/store/repos/apikeys.ts';
import { findTenantBySlug } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';

/** The 'api-send' scenario (DESIGN §8): target ≥ 5,000 req/s with p99 < 50 ms. */
export async function run(_ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  const config = loadConfig({}, { dataDir: dir, port: 0, host: '127.0.0.1', logLevel: 'warn', simulatorPort: 0, adminPassword: 'bench-password' });
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const node = await startNode(config).finally(() => { process.stdout.write = stdout; });
  try {
    const db = node.deps.store.db;
    const demo = (await findTenantBySlug(db, 'demo'))!;
    await moveBalance(db, demo.id, 100_000_000n, { kind: 'topup', note: 'bench' }, new Date().toISOString());
    const { key } = await createApiKey(db, { tenantId: demo.id, name: 'bench', role: 'operator', createdBy: null });
    let i = 0;
    const rss = trackPeakRss();
    const result = await autocannon({
      url: `${node.url!.replace('localhost', '127.0.0.1')}/api/v1/messages`, connections: 50, duration: 10, method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ to: `+86138${String(i++ % 1e8).padStart(8, '0')}`, text: '您的验证码是 123456，5分钟内有效。' }) }) }],
    });
    return {
      scenario: 'api-send', connections: 50, requests: result.requests.total, perSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors, peakRssMb: rss.stop(),
    };
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
