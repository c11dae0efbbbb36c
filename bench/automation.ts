// The `automation` scenario: contacts with birthdays (a third lunar) in a fresh SQLite database; the real yearly
// materialisation computes a day's occurrences over all of them, the real sender queues that day's messages, and
// POST /api/v1/events/batch takes batches of 10,000 events end to end (then the same events again: duplicates).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { buildApp } from '../src/api/app.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { createApiKey } from '../src/store/repos/apikeys.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import { contactRow } from '../src/store/repos/contacts.ts';
import { insertRows, type RowValues } from '../src/store/bulk.ts';
import { createAutomation, getAutomation, setAutomationStatus } from '../src/store/repos/automations.ts';
import { automationInputSchema } from '../src/automations/rules.ts';
import { materializeYearly } from '../src/automations/materialize.ts';
import { sendDue } from '../src/automations/send.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';

const CONTACTS = Number(process.env.TIDINGS_BENCH_CONTACTS ?? 1_000_000);
const EVENTS = Number(process.env.TIDINGS_BENCH_EVENTS ?? 200_000);
const BATCH = Number(process.env.TIDINGS_BENCH_EVENT_BATCH ?? 10_000);
/** The dispatch scenario's rate in this run (the runner hands it over when dispatch ran before): the queue rate's reference. */
const DISPATCH = process.env.TIDINGS_BENCH_DISPATCH ? Number(process.env.TIDINGS_BENCH_DISPATCH) : null;

const contactColumns = ['id', 'tenant_id', 'phone', 'timezone', 'fields', 'country', 'number_type', 'carrier', 'region', 'province', 'city', 'created_at', 'updated_at'] as const;

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
/** CPU microseconds (user + system) of this process since `from` (survives a busy machine, unlike wall time). */
const cpuMicros = (from: NodeJS.CpuUsage) => { const d = process.cpuUsage(from); return d.user + d.system; };

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The 'automation' scenario (issue 14): perSecond = contacts per second of the day's occurrence computation, plus eventsPerSecond. */
export async function run(_ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-automation-'));
  const config = loadConfig({}, { dataDir: dir, logLevel: 'silent', port: 0, simulator: false });
  let now = new Date('2027-03-01T00:00:00Z');
  const deps = await buildDeps(config, { log: pino({ level: 'silent' }), now: () => now });
  const rss = trackPeakRss();
  try {
    const db = deps.store.db;
    const tenant = await createTenant(db, { slug: 'bench' });
    await moveBalance(db, tenant.id, 10_000_000_000n, { kind: 'topup', note: 'bench' }, now.toISOString());
    const nowIso = now.toISOString();
    for (let at = 0; at < CONTACTS; at += 5000) {
      const rows: RowValues[] = [];
      for (let i = at; i < Math.min(CONTACTS, at + 5000); i++) {
        const month = 1 + (i % 12);
        const day = 1 + (Math.floor(i / 12) % 28);
        const birthday = `19${50 + (i % 50)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const fields: Record<string, string> = i % 3 === 0 ? { birthday, cal: '农历' } : { birthday };
        const row = contactRow(tenant.id, { phone: `+86138${String(i).padStart(8, '0')}`, fields }, nowIso);
        rows.push(contactColumns.map((c) => row[c]));
      }
      // statements prepared once, as imports write contacts (a query tree per 500 rows is the bench's garbage, not the server's)
      await db.transaction().execute((trx) => insertRows({ db: trx, dialect: deps.store.dialect, sqlite: deps.store.sqlite }, 'contacts', contactColumns, rows));
    }
    const created = await createAutomation(db, tenant.id, automationInputSchema.parse({
      name: 'birthday', category: 'notification', trigger: { type: 'date', field: 'birthday', calendarField: 'cal' }, steps: [{ at: '09:00', text: '{{name|亲爱的客户}}，生日快乐！' }], horizonDays: 1,
    }), nowIso);
    await setAutomationStatus(db, tenant.id, created.id, 'on', nowIso);
    const a = (await getAutomation(db, tenant.id, created.id))!;
    const phases: Record<string, number> = { contacts: rss.stop() };
    let phase = trackPeakRss();
    const computing = process.hrtime.bigint();
    const computeCpu = process.cpuUsage();
    const { report } = await materializeYearly(deps, a, now);
    const computeSeconds = seconds(computing);
    const computeMicros = cpuMicros(computeCpu);
    phases.compute = phase.stop();
    phase = trackPeakRss();
    now = new Date('2027-03-01T01:01:00Z');
    const queuing = process.hrtime.bigint();
    const queueCpu = process.cpuUsage();
    const sent = await sendDue(deps, 'bench', now);
    const queueSeconds = seconds(queuing);
    const queueMicros = cpuMicros(queueCpu);
    phases.queue = phase.stop();

    const renewal = await createAutomation(db, tenant.id, automationInputSchema.parse({
      name: 'renewal', category: 'notification', trigger: { type: 'event', eventType: 'renewal_due', anchor: 'endsOn' }, steps: [{ offsetDays: -7, at: '10:00', text: '{{event.plan}} 本月已用 {{event.usedGb}}GB' }],
    }), nowIso);
    await setAutomationStatus(db, tenant.id, renewal.id, 'on', nowIso);
    const app = await buildApp(deps);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const { key } = await createApiKey(db, { tenantId: tenant.id, name: 'bench', role: 'operator', createdBy: null });
    // each batch is made when it is sent: the client's events are not the server's memory
    const event = (i: number) => ({ type: 'renewal_due', contact: { phone: `+86138${String(i % CONTACTS).padStart(8, '0')}` }, idempotencyKey: `e${i}`, data: { plan: 'A', usedGb: String(i % 100), endsOn: '2027-04-30' } });
    const batch = (at: number) => JSON.stringify({ events: Array.from({ length: Math.min(BATCH, EVENTS - at) }, (_, k) => event(at + k)) });
    const post = async () => {
      const counts: Record<string, number> = {};
      for (let at = 0; at < EVENTS; at += BATCH) {
        const r = await fetch(`${base}/api/v1/events/batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: batch(at) });
        if (r.status !== 202) throw new Error(`events: ${r.status} ${await r.text()}`);
        for (const [k, n] of Object.entries(((await r.json()) as { counts: Record<string, number> }).counts)) counts[k] = (counts[k] ?? 0) + n;
      }
      return counts;
    };
    phase = trackPeakRss();
    const posting = process.hrtime.bigint();
    const eventCpu = process.cpuUsage();
    const first = await post();
    const again = await post();
    const eventSeconds = seconds(posting);
    const eventMicros = cpuMicros(eventCpu);
    phases.events = phase.stop();
    await app.close();
    const perSecond = Math.round(report.contacts / computeSeconds);
    const queued = sent.sent + sent.excluded;
    const queuedPerSecond = Math.round(queued / queueSeconds);
    if (DISPATCH === null) process.stderr.write('automation: no dispatch rate to compare the queue rate with; run `npm run bench -- dispatch automation`\n');
    return {
      scenario: 'automation', contacts: report.contacts, occurrences: report.added, seconds: Math.round(computeSeconds * 1000) / 1000, perSecond,
      queued, queuedPerSecond, dispatchPerSecond: DISPATCH, queueRatioToDispatch: DISPATCH ? round2(queuedPerSecond / DISPATCH) : null,
      events: EVENTS * 2, eventsPerSecond: Math.round((EVENTS * 2) / eventSeconds), eventCounts: { first, again },
      cpuMicrosPerContact: round2(computeMicros / report.contacts), cpuMicrosPerQueued: round2(queueMicros / Math.max(1, queued)),
      cpuMicrosPerEvent: round2(eventMicros / (EVENTS * 2)),
      peakRssMb: Math.max(...Object.values(phases)), peakRssMbByPhase: phases, lost: 0, duplicates: (again.duplicate ?? 0) === EVENTS ? 0 : EVENTS - (again.duplicate ?? 0),
    };
  } finally {
    await closeDeps(deps);
    rmSync(dir, { recursive: true, force: true });
  }
}
