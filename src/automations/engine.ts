// The automations' timer rounds on a worker node: seed the holiday calendar, materialise yearly and welcome
// occurrences ahead, send the due ones, and warn when next year's holiday calendar is missing.
import type { Deps } from '../deps.ts';
import { startRounds, type Rounds } from '../worker/rounds.ts';
import { newNodeName } from '../worker/node-name.ts';
import { automationsOn, saveLastRun, type Automation } from '../store/repos/automations.ts';
import { coveredHolidayYears, seedHolidayYears } from '../store/repos/holidays.ts';
import { missingYearWarning, seedHolidays } from './calendar/holidays.ts';
import { materializeYearly, type RunReport } from './materialize.ts';
import { materializeWelcome } from './welcome.ts';
import { sendDue, type SendReport } from './send.ts';
import { localDate } from './rules.ts';
import { expireOptIns } from './optin.ts';

const roundMs = 1000;
/** A yearly automation is materialised again this often (and at once after it changes). */
const yearlyEveryMs = 10 * 60_000;

/** One worker's automation engine: what it last materialised, per automation. */
export class AutomationEngine {
  private readonly yearly = new Map<string, { at: number; definition: string }>();
  private warnedOn = '';

  constructor(private readonly deps: Deps, readonly owner = newNodeName()) {}

  /** Adds the library's holiday years the table lacks. */
  async seed(): Promise<void> {
    const added = await seedHolidayYears(this.deps.store.db, seedHolidays(), this.deps.now().toISOString());
    if (added.length) this.deps.log.info({ years: added }, 'holiday calendar seeded');
  }

  /** Materialises what is due for it, then sends every due occurrence. */
  async round(): Promise<{ runs: Map<string, RunReport>; sent: SendReport }> {
    const { deps } = this;
    const now = deps.now();
    const runs = new Map<string, RunReport>();
    for (const a of await automationsOn(deps.store.db, ['date', 'holiday', 'join', 'created'])) {
      try {
        const report = await this.materialize(a, now);
        if (report) runs.set(a.id, report);
      } catch (err) {
        deps.log.error({ err, automation: a.id }, 'automation run failed');
      }
    }
    await this.warnMissingYear(now);
    await expireOptIns(deps);
    return { runs, sent: await sendDue(deps, this.owner, now) };
  }

  private async materialize(a: Automation, now: Date): Promise<RunReport | null> {
    if (a.trigger.type === 'join' || a.trigger.type === 'created') return materializeWelcome(this.deps, a, now);
    const last = this.yearly.get(a.id);
    const definition = JSON.stringify([a.updatedAt, a.trigger, a.conditions, a.steps, a.horizonDays, a.timezone]);
    const since = now.getTime() - (last?.at ?? 0);
    if (last && last.definition === definition && since >= 0 && since < yearlyEveryMs) return null;
    this.yearly.set(a.id, { at: now.getTime(), definition });
    const { report } = await materializeYearly(this.deps, a, now);
    await saveLastRun(this.deps.store.db, a.id, report as unknown as Record<string, unknown>);
    if (report.skipped.invalid_date || report.skipped.calendar_missing) this.deps.log.warn({ automation: a.id, skipped: report.skipped, samples: report.samples }, 'automation skipped contacts');
    return report;
  }

  /** From 1 December, logs once a day that next year's holiday calendar is missing. */
  private async warnMissingYear(now: Date): Promise<void> {
    const today = localDate(now, 'Asia/Shanghai');
    const key = `${today.year}-${today.month}-${today.day}`;
    if (this.warnedOn === key || today.month !== 12) return;
    this.warnedOn = key;
    const warning = missingYearWarning(today, await coveredHolidayYears(this.deps.store.db));
    if (warning) this.deps.log.warn(warning);
  }
}

/** Starts the automation rounds of a worker node (seeding the holiday calendar first). */
export function startAutomations(deps: Deps): Rounds {
  const engine = new AutomationEngine(deps);
  let seeded = false;
  return startRounds(roundMs, async () => {
    if (!seeded) { await engine.seed(); seeded = true; }
    await engine.round();
  }, (err) => deps.log.error({ err }, 'automation round failed'), true);
}
