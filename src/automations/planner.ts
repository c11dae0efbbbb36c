// When an automation's yearly steps fall for one contact: the candidates a run materialises, a preview shows and a
// send re-checks. Pure once built (the working-day calendar is loaded by the caller).
import type { WorkCalendar } from './calendar/holidays.ts';
import { ymdText, type Ymd } from './calendar/lunar.ts';
import { anniversary, calendarOf, dateValueProblem, dueAt, holidayDate, localDate, parseDateValue, type Step, type Trigger } from './rules.ts';

/** One occurrence a run would materialise. */
export interface Candidate { contactId: string; key: string; step: number; dueAt: Date; localDate: string; source: string; zone: string }

/** The contact facts planning needs. */
export interface PlanContact { id: string; timezone: string | null; fields: Record<string, unknown> }

/** Why a contact has no occurrence: no value in the field, a value that is not a date, or a year the holiday calendar lacks. */
export type PlanProblem = { kind: 'no_date' } | { kind: 'invalid_date'; value: string; reason: string } | { kind: 'calendar_missing'; year: number };

/** Plans the yearly (date and holiday) steps of one automation over a set of years. */
export class Planner {
  constructor(
    private readonly trigger: Extract<Trigger, { type: 'date' | 'holiday' }>,
    private readonly steps: Step[],
    private readonly defaultZone: string,
    private readonly work: WorkCalendar,
  ) {}

  /** The yearly date of a contact in `year` with the value it came from, or why there is none. */
  private dateIn(contact: PlanContact, year: number): { date: Ymd; source: string } | PlanProblem {
    const t = this.trigger;
    if (t.type === 'holiday') {
      const date = holidayDate(t, year, this.work);
      return date ? { date, source: `${t.festival}|${t.shift}` } : { kind: 'calendar_missing', year };
    }
    const raw = Object.hasOwn(contact.fields, t.field) ? contact.fields[t.field] : undefined;
    if (raw === undefined || raw === null || raw === '') return { kind: 'no_date' };
    const value = parseDateValue(raw);
    const text = String(raw).slice(0, 40);
    if (!value) return { kind: 'invalid_date', value: text, reason: 'not a date (YYYY-MM-DD or MM-DD)' };
    const calendar = calendarOf(t, contact.fields);
    const problem = dateValueProblem(value, calendar);
    if (problem) return { kind: 'invalid_date', value: text, reason: problem };
    return { date: anniversary(value, calendar, year, t), source: `${text}|${calendar}` };
  }

  /** The candidates of a contact in these years whose time is within [from, to], or the first problem met. */
  plan(contact: PlanContact, years: number[], from: Date, to: Date): { candidates: Candidate[]; problem: PlanProblem | null } {
    const zone = contact.timezone ?? this.defaultZone;
    const candidates: Candidate[] = [];
    for (const year of years) {
      const d = this.dateIn(contact, year);
      if (!('date' in d)) return { candidates, problem: d };
      this.steps.forEach((step, i) => {
        const due = dueAt(step, d.date, null, zone);
        if (due >= from && due <= to) candidates.push({ contactId: contact.id, key: String(year), step: i, dueAt: due, localDate: ymdText(localDate(due, zone)), source: d.source, zone });
      });
    }
    return { candidates, problem: null };
  }
}
