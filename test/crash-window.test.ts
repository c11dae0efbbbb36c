// DESIGN §7 on every database: a worker killed with kill -9 mid-campaign re-sends at most its gate (the dispatcher's
// `windows` × the window of the binds it holds), `resubmitted` counts no more than that, and nothing is lost. Real
// node processes, an SMSC in a process of its own that counts what it received, several runs in a row.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'kysely';
import { testDatabases, type TestDatabase } from './support/databases.ts';
import { waitFor } from './support/carrier.ts';
import { spawnNode, type SpawnedNode } from './support/node.ts';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps, type Deps } from '../src/deps.ts';
import { forkSimulator, type SimulatorChild } from '../src/channels/simulator/child.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createCampaign, getCampaign } from '../src/store/repos/campaigns.ts';

const recipients = 20_000;
const window = 50;
const binds = 2;
/** The dispatcher's default `windows`: how many windows of its binds a node may have marked submitting and unwritten. */
const windows = 2;
const runs = 3;
const account = { systemId: 'crash', password: 'crash' };

interface Run { total: number; delivered: number; resubmitted: number; received: number; duplicates: number }

const nodes: SpawnedNode[] = [];
afterEach(async () => { for (const n of nodes.splice(0)) if (n.alive()) n.child.kill('SIGKILL'); });

/** Seeds a tenant, a channel to `smsc` (window 50, 2 binds) and a draft campaign to `recipients` numbers. */
async function seed(deps: Deps, smsc: SimulatorChild, run: number): Promise<{ tenantId: string; slug: string; campaignId: string }> {
  const db = deps.store.db;
  const now = new Date().toISOString();
  const slug = `crash${run}`;
  const tenant = await createTenant(db, { slug, settings: { quietHours: null } });
  await moveBalance(db, tenant.id, BigInt(recipients) * 10n, { kind: 'topup' }, now);
  const name = `smsc${run}`;
  const channel = await createChannel(db, { name, type: 'smpp', config: { name, type: 'smpp', host: '127.0.0.1', port: smsc.port, ...account, window, binds } }, now);
  await createRoute(db, { channelId: channel.id, price: 1n }, now);
  const numbers = Array.from({ length: recipients }, (_, i) => `137${String(run)}${String(i).padStart(7, '0')}`);
  const campaign = await createCampaign(db, tenant.id, { name: `crash ${run}`, category: 'notification', text: `run ${run} to {{phone}}`, templateId: null, audience: { numbers }, channel: name, options: {}, scheduleAt: null, cron: null }, now);
  return { tenantId: tenant.id, slug, campaignId: campaign.id };
}

/**
 * One run: `workers` worker processes (the first one also serves the API when `api` is not given) send a campaign;
 * the first is killed with kill -9 once the SMSC has a third of it; `restart` starts a fresh worker after the kill
 * (one node on SQLite), else the survivors finish.
 */
async function crashRun(deps: Deps, env: NodeJS.ProcessEnv, run: number, layout: 'one-node' | 'api-and-two-workers'): Promise<Run> {
  const smsc = await forkSimulator({ config: { accounts: [account], keepInbox: false, receiptDelayMs: 5 } });
  try {
    const { tenantId, slug, campaignId } = await seed(deps, smsc, run);
    const api = await spawnNode(env, 60_000, layout === 'one-node' ? 'all' : 'api');
    nodes.push(api);
    const workers = layout === 'one-node' ? [api] : [await spawnNode(env, 60_000, 'worker'), await spawnNode(env, 60_000, 'worker')];
    if (layout !== 'one-node') nodes.push(...workers);
    // both workers hold one bind each before the campaign starts (the victim's bound is then its one bind's window)
    await waitFor(async () => (await smsc.stats()).bound >= binds, 'the binds to come up', 30_000);
    if (layout !== 'one-node') {
      await waitFor(async () => (await deps.store.db.selectFrom('channel_binds').select('node_id').distinct().execute()).length === 2, 'each worker to hold a bind', 30_000);
    }
    const key = (await api.cli('apikey', 'create', '--tenant', slug)).trim();
    const started = await fetch(`${api.url}/api/v1/campaigns/${campaignId}/start`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(started.status, await started.clone().text()).toBe(200);
    await waitFor(async () => (await smsc.stats()).uniqueMessages >= recipients / 3, 'a third of the campaign to reach the SMSC', 120_000);
    const victim = workers[0];
    const gone = new Promise((r) => victim.child.once('exit', r));
    victim.child.kill('SIGKILL');
    await gone;
    expect((await smsc.stats()).uniqueMessages).toBeLessThan(recipients);
    if (layout === 'one-node') nodes.push(await spawnNode(env, 60_000, 'all'));
    // the campaign completes once every message is final; counted once then (polling counts would load the database)
    await waitFor(async () => (await getCampaign(deps.store.db, tenantId, campaignId))?.status === 'completed', 'the campaign to finish', 180_000);
    const done = await deps.store.db.selectFrom('messages')
      .select([sql<number>`count(*)`.as('total'), sql<number>`sum(case when status = 'delivered' then 1 else 0 end)`.as('delivered'), sql<number>`coalesce(sum(resubmitted), 0)`.as('resubmitted')])
      .where('campaign_id', '=', campaignId).executeTakeFirstOrThrow();
    const stats = await smsc.stats();
    return { total: Number(done.total), delivered: Number(done.delivered), resubmitted: Number(done.resubmitted), received: stats.uniqueMessages, duplicates: stats.duplicates };
  } finally {
    for (const n of nodes.splice(0)) if (n.alive()) await n.stop();
    await smsc.stop();
  }
}

/** Runs the crash `runs` times, each on a database of its own, and checks every run against `bound`. */
async function suite(database: TestDatabase, layout: 'one-node' | 'api-and-two-workers', bound: number): Promise<void> {
  const results: Run[] = [];
  for (let run = 1; run <= runs; run++) {
    const created = await database.create();
    const env = { TIDINGS_DATABASE_URL: created.url, TIDINGS_DATA_DIR: created.dataDir, TIDINGS_LEASE_SECONDS: '4', TIDINGS_SIMULATOR: 'false' };
    const deps = await buildDeps(loadConfig({ ...process.env, ...env }, {}), { log: pino({ level: 'silent' }) });
    try {
      results.push(await crashRun(deps, env, run, layout));
    } finally {
      await closeDeps(deps);
      await created.drop();
    }
  }
  console.info(`${layout} on ${database.name}: ${JSON.stringify(results)}`);
  for (const r of results) {
    // nothing lost, one row each, every one delivered and received once at least
    expect(r).toMatchObject({ total: recipients, delivered: recipients, received: recipients });
    expect(r.duplicates).toBeLessThanOrEqual(bound);
    expect(r.resubmitted).toBeLessThanOrEqual(bound);
    expect(r.duplicates).toBeLessThanOrEqual(r.resubmitted);
  }
}

describe('crash duplicates are bounded by the window', () => {
  const sqlite = testDatabases.find((d) => d.name === 'sqlite')!;
  const postgres = testDatabases.find((d) => d.name === 'postgres');

  // one node holds both binds: at most windows × 2 × 50 open when it dies
  it(`one node on SQLite, kill -9 mid-campaign of ${recipients}, ${runs} runs: re-sent and resubmitted ≤ ${windows * window * binds}`, async () => {
    await suite(sqlite, 'one-node', windows * window * binds);
  }, 600_000);

  // the victim holds one of the two binds: at most windows × 50 open when it dies
  it.runIf(postgres)(`one api node and two worker nodes on PostgreSQL, one killed mid-campaign of ${recipients}, ${runs} runs: re-sent and resubmitted ≤ ${windows * window}`, async () => {
    await suite(postgres!, 'api-and-two-workers', windows * window);
  }, 600_000);
});
