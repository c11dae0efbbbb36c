// Anti-counterfeit codes: a batch of 1,000,000 codes generated, hashed and stored (rate printed), then N code-check
// MO from N/4 numbers through the virtual carrier's SMPP path (another process): each routed to the codes service,
// checked by its keyed hash (the first check one conditional update), answered, a genuine first check entering a
// lottery and crediting points. `duplicates` counts double credits. The ratio is against 'smpp' at the same count.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { startWorker } from '../src/worker/worker.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';
import { createService, openService } from '../src/services/lifecycle.ts';
import { batchCodes, exportableBatch, generateBatch } from '../src/services/codes/batches.ts';
import { forkSimulator } from '../src/channels/simulator/child.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { countStatements } from './support/statements.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW } from './support/smsc.ts';
import { blastMo } from './support/mo.ts';
import { profileWindow } from './support/profile.ts';

const ADDRESS = '1069000255';
/** Checks per number (within the hourly rate limit). */
const perNumber = 4;
const codesInBatch = Number(process.env.TIDINGS_BENCH_CODES ?? 1_000_000);

/** The 'code-check' scenario (issue: loyalty services, anti-counterfeit codes). */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const checks = Math.max(perNumber, Math.min(ctx.messages, 20_000));
  const smpp = await (await import('./smpp.ts')).run({ ...ctx, messages: checks });
  const numbers = Math.floor(checks / perNumber);
  const total = numbers * perNumber;
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  const smsc = await forkSimulator({ config: { accounts: [BENCH_ACCOUNT], keepInbox: false, receiptDelayMs: 0, idStyle: { radix: 16 }, receiptIdStyle: { radix: 10 } } });
  const config = loadConfig({}, { databaseUrl: `sqlite:${path.join(dir, 'tidings.db')}`, dataDir: dir, logLevel: 'warn', simulator: false });
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }) });
  try {
    const db = deps.store.db;
    const now = new Date();
    const tenant = await createTenant(db, { slug: 'bench', settings: { quietHours: null } });
    await moveBalance(db, tenant.id, BigInt(total) * 300n, { kind: 'topup', note: 'bench' }, now.toISOString());
    const channel = await createChannel(db, { name: 'bench', type: 'smpp', config: { name: 'bench', type: 'smpp', host: '127.0.0.1', port: smsc.port, ...BENCH_ACCOUNT, binds: 1, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' } } }, now.toISOString());
    await createRoute(db, { channelId: channel.id, price: 1n }, now.toISOString());
    await createServiceNumber(db, { number: '10690002' }, now.toISOString());
    await setTenantCode(db, tenant.id, '55', now.toISOString());

    const genCpu = process.cpuUsage();
    const genStarted = process.hrtime.bigint();
    const batch = await generateBatch(deps, tenant.id, { product: 'bench', length: 16, count: codesInBatch });
    const genSeconds = Number(process.hrtime.bigint() - genStarted) / 1e9;
    const genCpuUs = process.cpuUsage(genCpu);
    process.stdout.write(`code-check: ${batch.count} codes generated, hashed and stored in ${genSeconds.toFixed(2)} s (${Math.round(batch.count / genSeconds)} codes/s, ${((genCpuUs.user + genCpuUs.system) / batch.count).toFixed(1)} CPU µs/code)\n`);

    // half as many distinct codes as checks: about half the checks are first checks, the rest repeats by other numbers
    const pool: string[] = [];
    for await (const page of batchCodes(deps, await exportableBatch(deps, tenant.id, batch.id))) {
      pool.push(...page.map((r) => r.code));
      if (pool.length >= Math.ceil(total / 2)) break;
    }
    const service = await createService(deps, tenant.id, { type: 'codes', name: 'bench', keywords: ['FW'], config: { length: 16, points: 10 } });
    await openService(deps, tenant.id, service.id);
    const lottery = await createService(deps, tenant.id, {
      type: 'lottery', name: 'bench', keywords: ['CJ'],
      config: { mode: 'draw', opensAt: new Date(now.getTime() - 3_600_000).toISOString(), closesAt: new Date(now.getTime() + 86_400_000).toISOString(), keywordEntry: false, fedBy: [service.id], period: 'once', prizes: [{ name: 'bench', count: 10 }] },
    });
    await openService(deps, tenant.id, lottery.id);
    const worker = await startWorker(deps);
    while (!worker.channels.upIds().length) await new Promise((r) => setTimeout(r, 20));
    const queries = countStatements(deps.store.sqlite!);
    const profile = await profileWindow('code-check');
    const rss = trackPeakRss();
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await blastMo(smsc, db, { numbers, rounds: perNumber, to: ADDRESS, text: (i, round) => pool[(i * perNumber + round) * 7919 % pool.length], waitEachRound: false, untilSent: false });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    await profile.stop();
    const statements = queries.stop();
    const peakRssMb = rss.stop();
    await worker.stop();
    const checked = await db.selectFrom('code_checks').select(['result', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', tenant.id).groupBy('result').execute();
    const byResult = Object.fromEntries(checked.map((r) => [r.result, Number(r.n)]));
    const firsts = await db.selectFrom('codes').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.id).where('first_checked_at', 'is not', null).executeTakeFirstOrThrow();
    const credits = await db.selectFrom('points_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.id).where('source_type', '=', 'code_check').executeTakeFirstOrThrow();
    const replies = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    const entries = await db.selectFrom('lottery_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('service_id', '=', lottery.id).executeTakeFirstOrThrow();
    const perSecond = Math.round(total / seconds);
    const checkedTotal = checked.reduce((a, r) => a + Number(r.n), 0);
    return {
      scenario: 'code-check', messages: total, numbers, seconds: Math.round(seconds * 1000) / 1000, perSecond, referencePerSecond: smpp.perSecond,
      ratio: Math.round((perSecond / Number(smpp.perSecond)) * 100) / 100, codesGenerated: batch.count, codesPerSecond: Math.round(batch.count / genSeconds),
      cpuMicrosPerCode: Math.round((genCpuUs.user + genCpuUs.system) / batch.count * 10) / 10, cpuMicrosPerCheck: Math.round((used.user + used.system) / total),
      queriesPerCheck: Math.round((statements / total) * 10) / 10,
      results: byResult, replies: Number(replies.n), lotteryEntries: Number(entries.n), peakRssMb,
      lost: Math.max(0, total - checkedTotal) + Math.max(0, total - Number(replies.n)),
      duplicates: Math.max(0, Number(credits.n) - Number(firsts.n)) + Math.max(0, (byResult.genuine ?? 0) - Number(firsts.n)),
    };
  } finally {
    await closeDeps(deps);
    await smsc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
