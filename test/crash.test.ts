import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { testDatabases, type TestDatabase } from './support/databases.ts';
import { waitFor } from './support/carrier.ts';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps, type Deps } from '../src/deps.ts';
import { Simulator } from '../src/channels/simulator/simulator.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createCampaign, getCampaign, setCampaignStatus } from '../src/store/repos/campaigns.ts';

const bin = path.resolve('bin/tidings.js');
const recipients = 3000;

interface Rig { deps: Deps; simulator: Simulator; campaignId: string; tenantId: string; env: NodeJS.ProcessEnv; drop(): Promise<void> }

async function rig(database: TestDatabase, leaseSeconds: number): Promise<Rig> {
  const created = await database.create();
  const env = { ...process.env, TIDINGS_DATABASE_URL: created.url, TIDINGS_DATA_DIR: created.dataDir, TIDINGS_LOG_LEVEL: process.env.DEBUG_TESTS ? 'info' : 'warn', TIDINGS_LEASE_SECONDS: String(leaseSeconds) };
  const deps = await buildDeps(loadConfig(env, {}), { log: pino({ level: 'silent' }) });
  const simulator = new Simulator({ receiptDelayMs: 5, keepInbox: false });
  const { port } = await simulator.start(0);
  const now = new Date().toISOString();
  const tenant = await createTenant(deps.store.db, { slug: 'crash', settings: { quietHours: null } });
  await moveBalance(deps.store.db, tenant.id, 1_000_000n, { kind: 'topup' }, now);
  const channel = await createChannel(deps.store.db, { name: 'sim', type: 'smpp', config: { name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', window: 20, tps: 1500, binds: 2 } }, now);
  await createRoute(deps.store.db, { channelId: channel.id, price: 1n }, now);
  const numbers = Array.from({ length: recipients }, (_, i) => `1370000${String(i).padStart(4, '0')}`);
  const campaign = await createCampaign(deps.store.db, tenant.id, { name: 'crash', category: 'notification', text: 'crash test {{phone}}', templateId: null, audience: { numbers }, channel: null, options: {}, scheduleAt: null, cron: null }, now);
  return {
    deps, simulator, campaignId: campaign.id, tenantId: tenant.id, env,
    async drop() {
      await simulator.stop();
      await closeDeps(deps);
      await created.drop();
    },
  };
}

function worker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [bin, 'start', '--role', 'worker'], { env, stdio: ['ignore', process.env.DEBUG_TESTS ? 'inherit' : 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => { if (process.env.DEBUG_TESTS) process.stderr.write(d); });
  return child;
}

async function finished(r: Rig): Promise<{ total: number; resubmitted: number }> {
  return waitFor<{ total: number; resubmitted: number } | false>(async () => {
    const c = await getCampaign(r.deps.store.db, r.tenantId, r.campaignId);
    const row = await r.deps.store.db.selectFrom('messages').select([sql<number>`count(*)`.as('total'), sql<number>`coalesce(sum(resubmitted), 0)`.as('resubmitted')])
      .where('campaign_id', '=', r.campaignId).where('status', '=', 'delivered').executeTakeFirst();
    return c?.status === 'completed' && Number(row?.total) === recipients && { total: Number(row!.total), resubmitted: Number(row!.resubmitted) };
  }, 'the campaign to finish', 90_000).catch(async (e: Error) => {
    const rows = await r.deps.store.db.selectFrom('messages').select(['status', 'lease_owner', sql<number>`count(*)`.as('n')]).where('campaign_id', '=', r.campaignId).groupBy(['status', 'lease_owner']).execute();
    const c = await getCampaign(r.deps.store.db, r.tenantId, r.campaignId);
    throw new Error(`${e.message}: campaign ${c?.status} ${c?.pauseReason ?? ''}, messages ${JSON.stringify(rows)}`);
  }) as Promise<{ total: number; resubmitted: number }>;
}

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill('SIGKILL'); });

describe.each(testDatabases)('crash safety on $name', (database) => {
  it('after kill -9 mid-campaign and a restart, every recipient has exactly one message; possible re-sends are counted', async () => {
    const r = await rig(database, 3);
    try {
      const first = worker(r.env);
      children.push(first);
      await setCampaignStatus(r.deps.store.db, r.tenantId, r.campaignId, ['draft'], 'running', { startedAt: new Date().toISOString() }, new Date().toISOString());
      await waitFor(() => r.simulator.stats().uniqueMessages >= 600, 'the first worker to send', 60_000);
      first.kill('SIGKILL');
      await new Promise((res) => first.once('exit', res));
      const sentBeforeCrash = r.simulator.stats().uniqueMessages;
      expect(sentBeforeCrash).toBeLessThan(recipients);
      children.push(worker(r.env));
      const done = await finished(r);
      const stats = r.simulator.stats();
      const rows = await r.deps.store.db.selectFrom('messages').select(sql<number>`count(*)`.as('n')).where('campaign_id', '=', r.campaignId).executeTakeFirst();
      expect(Number(rows?.n)).toBe(recipients);
      expect(stats.uniqueMessages).toBe(recipients);
      expect(stats.duplicates).toBeLessThanOrEqual(done.resubmitted);
    } finally {
      await r.drop();
    }
  }, 120_000);

  it.runIf(database.name === 'postgres')('two workers on one database share a campaign without duplicates', async () => {
    const r = await rig(database, 20);
    try {
      // the channel has two binds: the workers share them (never more than two open at once), one each once settled
      let mostBound = 0;
      const sampler = setInterval(() => { mostBound = Math.max(mostBound, r.simulator.stats().bound); }, 10);
      children.push(worker(r.env), worker(r.env));
      await waitFor(async () => {
        const holders = await r.deps.store.db.selectFrom('channel_binds').select('node_id').distinct().execute();
        return holders.length === 2 && r.simulator.stats().bound === 2;
      }, 'both workers to hold a bind', 30_000);
      await setCampaignStatus(r.deps.store.db, r.tenantId, r.campaignId, ['draft'], 'running', { startedAt: new Date().toISOString() }, new Date().toISOString());
      const done = await finished(r);
      clearInterval(sampler);
      expect(mostBound).toBe(2);
      const stats = r.simulator.stats();
      expect(stats.uniqueMessages).toBe(recipients);
      expect(stats.duplicates).toBe(0);
      expect(done.resubmitted).toBe(0);
    } finally {
      await r.drop();
    }
  }, 120_000);
});
