// POST /api/v1/messages with one recipient over 50 connections against a listening server (embedded mode,
// SQLite, its worker sending through the virtual carrier in-process): requests per second and latency, measured by
// autocannon in a process of its own; peak RSS and CPU per request of the server process alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { startNode } from '../src/server.ts';
import { createApiKey } from '../src/store/repos/apikeys.ts';
import { findTenantBySlug } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { runSendLoad } from './support/load.ts';

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
    const rss = trackPeakRss();
    const cpu = process.cpuUsage();
    const load = await runSendLoad({
      url: `${node.url!.replace('localhost', '127.0.0.1')}/api/v1/messages`, key, connections: 50, seconds: 10, text: '您的验证码是 123456，5分钟内有效。',
    });
    const used = process.cpuUsage(cpu);
    return {
      scenario: 'api-send', connections: 50, ...load, peakRssMb: rss.stop(),
      serverCpuMsPerRequest: Math.round(((used.user + used.system) / 1000 / Math.max(1, load.requests)) * 1000) / 1000,
    };
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
