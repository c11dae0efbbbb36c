// When an automation's yearly steps fall for one contact: the candidates a run materialises, a preview shows and a
// send re-checks. Pure once built (the working-day calendar is loaded by the caller). A run meets the same few
// thousand date values over and over (a million birthdays hold at most ~36,500 distinct values, ~400 distinct lunar
// dates): each (value, calendar, zone) is converted once per planner, and a contact costs a lookup.
import type { WorkCalendar } from './calendar/holidays.ts';
import { ymdText, type Ymd } from './calendar/lunar.ts';
import { anniversary, calendarOf, dateValueProblem, dueAt, holidayDate, localDate, parseDateValue, type Step, type Trigger } from './rules.ts';

/** One occurrence a run would materialise. */
export interface Candidate { contactId: string; key: string; step: number; dueAt: Date; localDate: string; source: string; zone: string }

/** The contact facts planning needs. */
export interface PlanContact { id: string; timezone: string | null; fields: Record<string, unknown> }

/** A contact as a run reads it: only its zone, the trigger's date field and calendar field. */
export interface DatedContact { id: string; timezone: string | null; value: unknown; calendar: unknown }

/** Why a contact has no occurrence: no value in the field, a value that is not a date, or a year the holiday calendar lacks. */
export type PlanProblem = { kind: 'no_date' } | { kind: 'invalid_date'; value: string; reason: string } | { kind: 'calendar_missing'; year: number };

/** The due times of one date value in a zone over the planner's years, or the problem it has. */
interface Plan { dues: { key: string; step: number; ms: number }[]; source: string; problem: PlanProblem | null }

const noDate: Plan = { dues: [], source: '', problem: { kind: 'no_date' } };
const memoLimit = 100_000;

/** Plans the yearly (date and holiday) steps of one automation over a set of years. */
export class Planner {
  /** Plans by zone, then calendar value, then date value (lookups of the strings as read: no key text built per contact). */
  private readonly plans = new Map<string, Map<string, Map<string, Plan>>>();
  private planCount = 0;
  private readonly localDates = new Map<string, string>();
  /** The years of the last plan and their key (a run asks with the same array every time). */
  private years: number[] = [];
  private yearsKey = '';

  constructor(
    private readonly trigger: Extract<Trigger, { type: 'date' | 'holiday' }>,
    private readonly steps: Step[],
    private readonly defaultZone: string,
    private readonly work: WorkCalendar,
  ) {}

  /** The yearly date of a value in `year` with the value it came from, or why there is none. */
  private dateIn(raw: unknown, calendarRaw: unknown, year: number): { date: Ymd; source: string } | PlanProblem {
    const t = this.trigger;
    if (t.type === 'holiday') {
      const date = holidayDate(t, year, this.work);
      return date ? { date, source: `${t.festival}|${t.shift}` } : { kind: 'calendar_missing', year };
    }
    const value = parseDateValue(raw);
    const text = String(raw).slice(0, 40);
    if (!value) return { kind: 'invalid_date', value: text, reason: 'not a date (YYYY-MM-DD or MM-DD)' };
    const calendar = calendarOf(t, t.calendarField && calendarRaw !== undefined ? { [t.calendarField]: calendarRaw } : {});
    const problem = dateValueProblem(value, calendar);
    if (problem) return { kind: 'invalid_date', value: text, reason: problem };
    return { date: anniversary(value, calendar, year, t), source: `${text}|${calendar}` };
  }

  /** The due times of a value in a zone over these years, computed once per planner. */
  private planOf(raw: unknown, calendarRaw: unknown, zone: string, years: number[]): Plan {
    if (this.trigger.type === 'date' && (raw === undefined || raw === null || raw === '')) return noDate;
    if (years !== this.years) {
      const key = years.join();
      if (key !== this.yearsKey) this.forget();
      this.years = years;
      this.yearsKey = key;
    }
    const holiday = this.trigger.type === 'holiday';
    const value = holiday ? '' : typeof raw === 'string' ? raw : String(raw);
    const calendar = holiday || calendarRaw === undefined || calendarRaw === null ? '' : typeof calendarRaw === 'string' ? calendarRaw : String(calendarRaw);
    let byCalendar = this.plans.get(zone);
    if (!byCalendar) this.plans.set(zone, byCalendar = new Map());
    let byValue = byCalendar.get(calendar);
    if (!byValue) byCalendar.set(calendar, byValue = new Map());
    let plan = byValue.get(value);
    if (plan) return plan;
    plan = { dues: [], source: '', problem: null };
    for (const year of years) {
      const d = this.dateIn(raw, calendarRaw, year);
      if (!('date' in d)) { plan.problem = d; break; }
      plan.source = d.source;
      this.steps.forEach((step, i) => plan!.dues.push({ key: String(year), step: i, ms: dueAt(step, d.date, null, zone).getTime() }));
    }
    if (++this.planCount > memoLimit) { this.forget(); this.plans.set(zone, new Map([[calendar, byValue = new Map()]])); }
    byValue.set(value, plan);
    return plan;
  }

  private forget(): void {
    this.plans.clear();
    this.planCount = 0;
  }

  private localDateText(ms: number, zone: string): string {
    const key = `${ms}|${zone}`;
    let text = this.localDates.get(key);
    if (text === undefined) {
      if (this.localDates.size >= memoLimit) this.localDates.clear();
      this.localDates.set(key, text = ymdText(localDate(new Date(ms), zone)));
    }
    return text;
  }

  /** The candidates of a contact read by a run (zone, date and calendar values) whose time is within [from, to], or the first problem met. */
  planDated(contact: DatedContact, years: number[], from: Date, to: Date): { candidates: Candidate[]; problem: PlanProblem | null } {
    const zone = contact.timezone ?? this.defaultZone;
    const plan = this.planOf(contact.value, contact.calendar, zone, years);
    const candidates: Candidate[] = [];
    const lo = from.getTime();
    const hi = to.getTime();
    for (const d of plan.dues) {
      if (d.ms >= lo && d.ms <= hi) candidates.push({ contactId: contact.id, key: d.key, step: d.step, dueAt: new Date(d.ms), localDate: this.localDateText(d.ms, zone), source: plan.source, zone });
    }
    return { candidates, problem: plan.problem };
  }

  /** The candidates of a contact in these years whose time is within [from, to], or the first problem met. */
  plan(contact: PlanContact, years: number[], from: Date, to: Date): { candidates: Candidate[]; problem: PlanProblem | null } {
    const t = this.trigger;
    const field = (k: string | undefined) => (k && Object.hasOwn(contact.fields, k) ? contact.fields[k] : undefined);
    return this.planDated({ id: contact.id, timezone: contact.timezone, value: t.type === 'date' ? field(t.field) : undefined, calendar: t.type === 'date' ? field(t.calendarField) : undefined }, years, from, to);
  }
}
