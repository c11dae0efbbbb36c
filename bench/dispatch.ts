// A campaign to a group of N contacts, end to end: start → materialised → submitted over SMPP to the virtual
// carrier in another process → every receipt matched and stored. On SQLite, and on PostgreSQL too when
// TIDINGS_TEST_PG_URL is set (a second line, scenario "dispatch-pg").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps, type Deps } from '../src/deps.ts';
import { newId } from '../src/domain/ids.ts';
import { startWorker } from '../src/worker/worker.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createCampaign, getCampaign, setCampaignStatus } from '../src/store/repos/campaigns.ts';
import { forkSimulator } from '../src/channels/simulator/child.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { profileWindow } from './support/profile.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, benchNumber } from './support/smsc.ts';
import { applySignature, reviewSignature } from '../src/store/repos/signatures.ts';
import { withBenchDatabase } from './support/pg.ts';

/** A tenant with an approved signature, its balance and a group of `n` contacts (numbers benchNumber(0…n-1)). */
export async function seed(deps: Deps, n: number): Promise<{ tenantId: string; groupId: string }> {
  const db = deps.store.db;
  const now = new Date().toISOString();
  const tenant = await createTenant(db, { slug: 'bench', settings: { signature: '【Bench】', quietHours: null } });
  await moveBalance(db, tenant.id, BigInt(n) * 100n, { kind: 'topup', note: 'bench' }, now);
  // the signature goes through review like a real tenant's: applied for, then approved by the platform
  const proof = { name: 'licence.png', type: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) };
  const signature = await applySignature(db, tenant.id, { text: '【Bench】', companyName: 'Bench Ltd', licenceNumber: '91330100716105852F', proof });
  await reviewSignature(db, signature.id, { approve: true, note: null, reviewer: null });
  const groupId = newId();
  await db.insertInto('groups').values({ id: groupId, tenant_id: tenant.id, name: 'everyone', description: null, created_at: now, updated_at: now }).execute();
  for (let at = 0; at < n; at += 1000) {
    const contacts = Array.from({ length: Math.min(1000, n - at) }, (_, k) => ({
      id: newId(), tenant_id: tenant.id, phone: `+${benchNumber(at + k)}`, name: `客户${at + k}`, language: null, timezone: null, fields: '{}',
      country: 'CN', number_type: 'MOBILE', carrier: 'China Mobile', region: null, province: null, city: null, opted_out_at: null, opted_out_channel: null,
      created_at: now, updated_at: now, last_messaged_at: null, last_replied_at: null,
    }));
    await db.insertInto('contacts').values(contacts).execute();
    await db.insertInto('contact_groups').values(contacts.map((c) => ({ group_id: groupId, contact_id: c.id, tenant_id: tenant.id, added_at: now }))).execute();
  }
  return { tenantId: tenant.id, groupId };
}

/**
 * TIDINGS_BENCH_RSS_CHECK=1: the memory check of DESIGN §8 — the campaign goes to 1,000,000 recipients (whatever
 * TIDINGS_BENCH_MESSAGES says) and the line adds the peak RSS by the time 200,000 were finished (`peakRssMbAt200k`),
 * to compare with the peak over the whole million (`peakRssMb`): flat means about the same.
 */
const rssCheck = process.env.TIDINGS_BENCH_RSS_CHECK === '1';
const rssCheckpoint = 200_000;

async function once(scenario: string, ctx: BenchContext, databaseUrl: string, dataDir: string): Promise<Record<string, unknown>> {
  const n = rssCheck ? 1_000_000 : ctx.messages;
  const smsc = await forkSimulator({ config: { accounts: [BENCH_ACCOUNT], keepInbox: false, receiptDelayMs: 0, idStyle: { radix: 16 }, receiptIdStyle: { radix: 10 } } });
  const config = loadConfig({}, { databaseUrl, dataDir, logLevel: 'warn', simulator: false });
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }) });
  try {
    const { tenantId, groupId } = await seed(deps, n);
    const now = new Date().toISOString();
    const channel = await createChannel(deps.store.db, { name: 'bench', type: 'smpp', config: { name: 'bench', type: 'smpp', host: '127.0.0.1', port: smsc.port, ...BENCH_ACCOUNT, binds: 1, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' } } }, now);
    await createRoute(deps.store.db, { channelId: channel.id, price: 5n }, now);
    const campaign = await createCampaign(deps.store.db, tenantId, { name: 'bench', category: 'notification', text: '{{name}}，您好：您的账单已出，请及时查看。', templateId: null, audience: { groups: [groupId] }, channel: null, options: {}, scheduleAt: null, cron: null }, now);
    const worker = await startWorker(deps);
    while (!worker.channels.upIds().length) await new Promise((r) => setTimeout(r, 20));
    await worker.channels.sync();
    let finished = 0;
    let peakAtCheckpoint: number | null = null;
    const rss = trackPeakRss();
    worker.effects.onFinished((effects) => {
      finished += effects.length;
      if (peakAtCheckpoint === null && finished >= rssCheckpoint && n > rssCheckpoint) peakAtCheckpoint = rss.peak();
    });
    const profile = await profileWindow(scenario);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await setCampaignStatus(deps.store.db, tenantId, campaign.id, ['draft'], 'running', { startedAt: new Date().toISOString() }, new Date().toISOString());
    // Finished = its final receipt matched and stored (effects fire after the write); counted in memory so
    // that watching does not load the database being measured.
    while (finished < n || (await getCampaign(deps.store.db, tenantId, campaign.id))?.status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    await profile.stop();
    const peakRssMb = rss.stop();
    await worker.stop();
    const stats = await smsc.stats();
    const perSecond = Math.round(n / seconds);
    const reference = await ctx.reference();
    // the floor of the same run (bench/floor.ts), when it ran before this scenario
    const floor = Number(process.env.TIDINGS_BENCH_FLOOR ?? NaN);
    return {
      scenario, messages: n, seconds: Math.round(seconds * 1000) / 1000, perSecond, referencePerSecond: reference,
      ratio: Math.round((perSecond / reference) * 100) / 100, ...(floor > 0 && { floorPerSecond: floor, ratioToFloor: Math.round((perSecond / floor) * 100) / 100 }),
      peakRssMb, ...(peakAtCheckpoint !== null && { peakRssMbAt200k: peakAtCheckpoint }), lost: Math.max(0, n - stats.uniqueMessages), duplicates: stats.duplicates,
      cpuMicrosPerMessage: Math.round((used.user + used.system) / n),
    };
  } finally {
    await closeDeps(deps);
    await smsc.stop();
  }
}

/** The 'dispatch' scenario (DESIGN §8); with TIDINGS_TEST_PG_URL also prints the PostgreSQL run first. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const pgUrl = process.env.TIDINGS_TEST_PG_URL;
  if (pgUrl) {
    const line = await withBenchDatabase(pgUrl, 'tidings_bench', (url, dir) => once('dispatch-pg', ctx, url, dir));
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  try {
    return await once('dispatch', ctx, `sqlite:${path.join(dir, 'tidings.db')}`, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
