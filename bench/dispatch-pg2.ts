// Two worker nodes (processes of their own) on one PostgreSQL database sending one campaign through one channel of
// two binds, one each, to the virtual carrier in another process: the two-node rate, each node's share of the
// submits (counted in the database by the node recorded on each message), and that no message reached the carrier
// twice. Needs TIDINGS_TEST_PG_URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { forkSimulator } from '../src/channels/simulator/child.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createCampaign, getCampaign, setCampaignStatus } from '../src/store/repos/campaigns.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW } from './support/smsc.ts';
import { seed } from './dispatch.ts';
import { withBenchDatabase } from './support/pg.ts';

const bin = path.resolve(import.meta.dirname, '..', 'bin', 'tidings.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system) a process has used so far, in microseconds (Linux /proc). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime in clock ticks of 10 ms
}

async function once(ctx: BenchContext, url: string, dataDir: string): Promise<Record<string, unknown>> {
  const n = ctx.messages;
  const smsc = await forkSimulator({ config: { accounts: [BENCH_ACCOUNT], keepInbox: false, receiptDelayMs: 0, idStyle: { radix: 16 }, receiptIdStyle: { radix: 10 } } });
  const deps = await buildDeps(loadConfig({}, { databaseUrl: url, dataDir, logLevel: 'warn', simulator: false }), { log: pino({ level: 'warn' }) });
  const workers: ChildProcess[] = [];
  try {
    const { tenantId, groupId } = await seed(deps, n);
    const now = new Date().toISOString();
    const channel = await createChannel(deps.store.db, { name: 'bench', type: 'smpp', config: { name: 'bench', type: 'smpp', host: '127.0.0.1', port: smsc.port, ...BENCH_ACCOUNT, binds: 2, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' } } }, now);
    await createRoute(deps.store.db, { channelId: channel.id, price: 5n }, now);
    const campaign = await createCampaign(deps.store.db, tenantId, { name: 'bench', category: 'notification', text: '{{name}}，您好：您的账单已出，请及时查看。', templateId: null, audience: { groups: [groupId] }, channel: null, options: {}, scheduleAt: null, cron: null }, now);
    const env = { ...process.env, TIDINGS_DATABASE_URL: url, TIDINGS_DATA_DIR: dataDir, TIDINGS_LOG_LEVEL: 'warn', TIDINGS_SIMULATOR: 'false' };
    for (let i = 0; i < 2; i++) workers.push(spawn(process.execPath, [bin, 'start', '--role', 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    // each worker holds one of the two binds before the campaign starts
    while ((await deps.store.db.selectFrom('channel_binds').select('node_id').distinct().where('channel_id', '=', channel.id).execute()).length < 2 || (await smsc.stats()).bound < 2) await sleep(100);
    const cpu = workers.map((w) => cpuMicros(w.pid!));
    const started = process.hrtime.bigint();
    await setCampaignStatus(deps.store.db, tenantId, campaign.id, ['draft'], 'running', { startedAt: new Date().toISOString() }, new Date().toISOString());
    while ((await getCampaign(deps.store.db, tenantId, campaign.id))?.status !== 'completed') await sleep(100);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = workers.reduce((sum, w, i) => sum + cpuMicros(w.pid!) - cpu[i], 0);
    // each node's share from the messages themselves: the node whose write recorded the carrier's acceptance (not channel
    // counters, which start again when binds move between nodes)
    const byNode = await deps.store.db.selectFrom('messages').select(['submitted_by', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaign_id', '=', campaign.id).where('submitted_at', 'is not', null).groupBy('submitted_by').orderBy('submitted_by').execute();
    const submitted = byNode.map((r) => Number(r.n));
    const total = submitted.reduce((a, b) => a + b, 0);
    const stats = await smsc.stats();
    const perSecond = Math.round(n / seconds);
    const dispatchPg = Number(process.env.TIDINGS_BENCH_DISPATCH_PG ?? NaN);
    return {
      scenario: 'dispatch-pg2', messages: n, seconds: Math.round(seconds * 1000) / 1000, perSecond,
      ...(dispatchPg > 0 && { oneNodePerSecond: dispatchPg, ratioToOneNode: Math.round((perSecond / dispatchPg) * 100) / 100 }),
      shares: submitted.map((s) => Math.round((s / Math.max(1, total)) * 1000) / 1000), submittedByNode: submitted,
      lost: Math.max(0, n - stats.uniqueMessages), duplicates: stats.duplicates,
      cpuMicrosPerMessage: Math.round(used / n),
    };
  } finally {
    await Promise.all(workers.map((w) => new Promise((r) => { w.once('exit', r); w.kill('SIGTERM'); })));
    await closeDeps(deps);
    await smsc.stop();
  }
}

/** The 'dispatch-pg2' scenario: two worker nodes on one PostgreSQL database. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const pgUrl = process.env.TIDINGS_TEST_PG_URL;
  if (!pgUrl) throw new Error('dispatch-pg2 runs on PostgreSQL: set TIDINGS_TEST_PG_URL');
  return withBenchDatabase(pgUrl, 'tidings_bench2', (url, dir) => once(ctx, url, dir));
}
