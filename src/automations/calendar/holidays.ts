// China's official holidays and adjusted workdays (调休): the seed from lunar-typescript's data, and the working-day
// logic over a table of them that knows which years it covers (a year without data is unknown, never "no holidays").
import { HolidayUtil } from 'lunar-typescript';
import { addDays, ymdText, type Ymd } from './lunar.ts';

/** One day of the official calendar: a day off (`holiday`) or an adjusted working day (`workday`, 调休上班). */
export interface HolidayDay { date: string; name: string; kind: 'holiday' | 'workday'; target: string }

/** The library's official holiday data, by year: the seed of the editable table. */
export function seedHolidays(): Map<number, HolidayDay[]> {
  const out = new Map<number, HolidayDay[]>();
  for (let year = 2001; year <= 2100; year++) {
    const days = HolidayUtil.getHolidays(year);
    if (!days.length) continue;
    out.set(year, days.map((h) => ({ date: h.getDay(), name: h.getName(), kind: h.isWork() ? 'workday' : 'holiday', target: h.getTarget() })));
  }
  return out;
}

/** Working days over a holiday table covering `years`: weekends are off unless adjusted to work, holidays are off. */
export class WorkCalendar {
  private readonly days = new Map<string, HolidayDay['kind']>();

  constructor(readonly years: ReadonlySet<number>, days: Iterable<HolidayDay>) {
    for (const d of days) this.days.set(d.date, d.kind);
  }

  /** Whether the date is a working day; null when its year has no data. */
  isWorkday(d: Ymd): boolean | null {
    if (!this.years.has(d.year)) return null;
    const kind = this.days.get(ymdText(d));
    if (kind) return kind === 'workday';
    const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The date itself when it is a working day, else the next one; null when that needs a year without data. */
  nextWorkday(d: Ymd): Ymd | null {
    for (let at = d, i = 0; i < 60; i++, at = addDays(at, 1)) {
      const work = this.isWorkday(at);
      if (work === null) return null;
      if (work) return at;
    }
    return null;
  }
}

/** The warning to give from 1 December when the table has no data for next year (null when there is nothing to say). */
export function missingYearWarning(today: Ymd, years: ReadonlySet<number>): string | null {
  if (today.month !== 12 || years.has(today.year + 1)) return null;
  return `the holiday calendar has no data for ${today.year + 1}: add the official holidays and adjusted workdays (调休) of ${today.year + 1} under /api/v1/admin/holidays; greetings shifted to working days wait until then`;
}
