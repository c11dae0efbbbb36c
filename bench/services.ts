// A live survey answered by SMS: 20,000 MO spread over 5,000 numbers (a keyword and three answers each; fewer when
// the run asks for fewer messages) through the virtual carrier's SMPP path (another process) → stored, routed to the
// survey, every answer kept and answered. The ratio is against the 'smpp' scenario measured in the same run at the same count.
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
import { forkSimulator } from '../src/channels/simulator/child.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { countStatements } from './support/statements.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW } from './support/smsc.ts';
import { blastMo } from './support/mo.ts';
import { profileWindow } from './support/profile.ts';

const ADDRESS = '1069000255';
/** MO per number: the keyword, then one answer to each of the three questions. */
const perNumber = 4;
/** The issue fixes the scenario at 20,000 MO (not the run's default size). */
const maxMessages = 20_000;

/** The 'services' scenario (issue: interactive services). */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const numbers = Math.max(1, Math.floor(Math.min(ctx.messages, maxMessages) / perNumber));
  const total = numbers * perNumber;
  const smpp = await (await import('./smpp.ts')).run({ ...ctx, messages: total });
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  const smsc = await forkSimulator({ config: { accounts: [BENCH_ACCOUNT], keepInbox: false, receiptDelayMs: 0, idStyle: { radix: 16 }, receiptIdStyle: { radix: 10 } } });
  const config = loadConfig({}, { databaseUrl: `sqlite:${path.join(dir, 'tidings.db')}`, dataDir: dir, logLevel: 'warn', simulator: false });
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }) });
  try {
    const db = deps.store.db;
    const now = new Date().toISOString();
    const tenant = await createTenant(db, { slug: 'bench', settings: { quietHours: null } });
    await moveBalance(db, tenant.id, BigInt(total) * 100n, { kind: 'topup', note: 'bench' }, now);
    const channel = await createChannel(db, { name: 'bench', type: 'smpp', config: { name: 'bench', type: 'smpp', host: '127.0.0.1', port: smsc.port, ...BENCH_ACCOUNT, binds: 1, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' } } }, now);
    await createRoute(db, { channelId: channel.id, price: 1n }, now);
    await createServiceNumber(db, { number: '10690002' }, now);
    await setTenantCode(db, tenant.id, '55', now);
    const survey = await createService(deps, tenant.id, {
      type: 'survey', name: 'bench', keywords: ['DY'], config: {
        questions: [
          { id: 'q1', text: '您的年龄段？', kind: 'choice', options: [{ name: '18-30' }, { name: '31-50' }, { name: '50+' }] },
          { id: 'q2', text: '满意度 1-5？', kind: 'number', min: 1, max: 5 },
          { id: 'q3', text: '还有建议吗？', kind: 'text' },
        ],
      },
    });
    await openService(deps, tenant.id, survey.id);
    const worker = await startWorker(deps);
    while (!worker.channels.upIds().length) await new Promise((r) => setTimeout(r, 20));
    const queries = countStatements(deps.store.sqlite!);
    const rss = trackPeakRss();
    const profile = await profileWindow('services');
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const answers = ['DY', '2', '4', '很好'];
    await blastMo(smsc, db, { numbers, rounds: perNumber, to: ADDRESS, text: (_i, round) => answers[round], waitEachRound: true, untilSent: true });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const statements = queries.stop();
    await profile.stop();
    const peakRssMb = rss.stop();
    const responses = await db.selectFrom('service_responses').select(['conversation_id', 'step']).where('service_id', '=', survey.id).execute();
    const completed = await db.selectFrom('service_conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('service_id', '=', survey.id).where('state', '=', 'completed').executeTakeFirstOrThrow();
    await worker.stop();
    const unique = new Set(responses.map((r) => `${r.conversation_id}|${r.step}`)).size;
    const perSecond = Math.round(total / seconds);
    return {
      scenario: 'services', messages: total, numbers, seconds: Math.round(seconds * 1000) / 1000, perSecond, referencePerSecond: smpp.perSecond,
      ratio: Math.round((perSecond / Number(smpp.perSecond)) * 100) / 100, completed: Number(completed.n), peakRssMb,
      cpuMicrosPerMessage: Math.round((used.user + used.system) / total), queriesPerMessage: Math.round((statements / total) * 10) / 10,
      lost: Math.max(0, numbers * (perNumber - 1) - unique), duplicates: responses.length - unique,
    };
  } finally {
    await closeDeps(deps);
    await smsc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
