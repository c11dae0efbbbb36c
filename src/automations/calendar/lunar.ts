// The Chinese lunisolar calendar: lunar dates to this year's solar dates, with the rules for days and months a year
// lacks, and the yearly festivals (lunar, solar-term and solar ones) resolved to a date each year. Pure, no I/O.
import { Lunar, LunarYear, Solar } from 'lunar-typescript';

/** A solar (Gregorian) calendar date. */
export interface Ymd { year: number; month: number; day: number }
/** A date in the lunar calendar; `leap`: in the leap month of that number. */
export interface LunarDate { month: number; day: number; leap: boolean }
/** A birthday in a leap month: on the same leap month when the year has it, else the regular month (default); or always the regular month. */
export type LeapRule = 'leap_if_present' | 'regular';
/** A lunar day 30 in a year whose month has 29 days: on day 29 (default), or the next day (the 1st of the next month). */
export type Day30Rule = 'day29' | 'next_day';
/** A solar Feb 29 in a common year: Feb 28 (default) or Mar 1. */
export type Feb29Rule = 'feb28' | 'mar1';

/** The rules of a yearly date that a year may not have. */
export interface DateRules { leapMonth: LeapRule; day30: Day30Rule; feb29: Feb29Rule }

/** The defaults of DateRules. */
export const defaultDateRules: DateRules = { leapMonth: 'leap_if_present', day30: 'day29', feb29: 'feb28' };

/** YYYY-MM-DD of a date. */
export function ymdText(d: Ymd): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

const ofSolar = (s: Solar): Ymd => ({ year: s.getYear(), month: s.getMonth(), day: s.getDay() });

/** Memoises a conversion by its arguments (the library computes a whole year per call; a run asks the same few thousand dates). */
function memo<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args: A) => {
    const key = args.map((a) => (typeof a === 'object' ? JSON.stringify(a) : String(a))).join('|');
    let hit = cache.get(key);
    if (hit === undefined && !cache.has(key)) {
      if (cache.size > 100_000) cache.clear();
      cache.set(key, hit = f(...args));
    }
    return hit as R;
  };
}

/** A lunar year's months: its leap month (0 when none) and, per month (negative = the leap month), its length and first solar day. */
interface YearTable { leap: number; months: Map<number, { days: number; first: Ymd }> }

const yearTables = new Map<number, YearTable>();

/** The month table of a lunar year, built once per year from the library (which recomputes a whole year per call and keeps only the last). */
function yearTable(year: number): YearTable {
  let table = yearTables.get(year);
  if (!table) {
    const y = LunarYear.fromYear(year);
    const months = new Map<number, { days: number; first: Ymd }>();
    for (const m of y.getMonthsInYear()) months.set(m.getMonth(), { days: m.getDayCount(), first: ofSolar(Solar.fromJulianDay(m.getFirstJulianDay())) });
    yearTables.set(year, table = { leap: y.getLeapMonth(), months });
  }
  return table;
}

/** The leap month of a lunar year (0 when it has none). */
export function leapMonthOf(year: number): number {
  return yearTable(year).leap;
}

/** How many days a month of a lunar year has (29 or 30), or null when the year has no such month. */
export function lunarMonthDays(year: number, month: number, leap: boolean): number | null {
  return yearTable(year).months.get(leap ? -month : month)?.days ?? null;
}

/** Why a lunar date cannot exist (in `year` when given), or null when it can. */
export function lunarDateProblem(d: LunarDate, year?: number): string | null {
  if (!Number.isInteger(d.month) || d.month < 1 || d.month > 12) return `lunar month ${d.month} does not exist (1–12)`;
  if (!Number.isInteger(d.day) || d.day < 1 || d.day > 30) return `lunar day ${d.day} does not exist (1–30)`;
  if (year === undefined) return null;
  if (year < 1900 || year > 2100) return `lunar year ${year} is outside 1900–2100`;
  const days = lunarMonthDays(year, d.month, d.leap);
  if (days === null) return `lunar year ${year} has no leap month ${d.month}${leapMonthOf(year) ? ` (its leap month is ${leapMonthOf(year)})` : ' (it has no leap month)'}`;
  if (d.day > days) return `lunar year ${year} ${d.leap ? 'leap ' : ''}month ${d.month} has only ${days} days`;
  return null;
}

/** The solar date of a lunar date in lunar year `year`, applying the rules for a leap month or day 30 the year lacks. */
export function lunarToSolar(year: number, d: LunarDate, rules: DateRules = defaultDateRules): Ymd {
  return solarOfLunar(year, d.month, d.day, d.leap, rules.leapMonth, rules.day30);
}

function solarOfLunar(year: number, month: number, day: number, isLeap: boolean, leapRule: LeapRule, day30: Day30Rule): Ymd {
  const table = yearTable(year);
  const leap = isLeap && leapRule === 'leap_if_present' && table.leap === month;
  const m = table.months.get(leap ? -month : month)!;
  if (day <= m.days) return addDays(m.first, day - 1);
  return addDays(m.first, day30 === 'next_day' ? m.days : m.days - 1);
}

/** The lunar date of a solar date. */
export function solarToLunar(d: Ymd): LunarDate & { year: number } {
  const l = Solar.fromYmd(d.year, d.month, d.day).getLunar();
  return { year: l.getYear(), month: Math.abs(l.getMonth()), day: l.getDay(), leap: l.getMonth() < 0 };
}

/** Whether a solar year is a leap year. */
function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The date of a solar month-day in `year`, applying the Feb 29 rule in common years. */
export function solarInYear(year: number, month: number, day: number, rules: DateRules = defaultDateRules): Ymd {
  if (month === 2 && day === 29 && !isLeapYear(year)) return rules.feb29 === 'mar1' ? { year, month: 3, day: 1 } : { year, month: 2, day: 28 };
  return { year, month, day };
}

/** Adds days to a date. */
export function addDays(d: Ymd, days: number): Ymd {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** How a festival is found each year. */
type FestivalRule = { kind: 'lunar'; month: number; day: number } | { kind: 'eve' } | { kind: 'term'; term: string } | { kind: 'solar'; month: number; day: number };

/** A festival a greeting can be sent on: its key, Chinese and English names and how its date is found each year. */
export interface Festival { key: string; zh: string; en: string; rule: FestivalRule }

/** Every festival key, lunar first (their dates move every year; none is stored as a fixed date). */
export const festivals: readonly Festival[] = [
  { key: 'spring_festival', zh: '春节', en: 'Spring Festival', rule: { kind: 'lunar', month: 1, day: 1 } },
  { key: 'new_years_eve', zh: '除夕', en: "Chinese New Year's Eve", rule: { kind: 'eve' } },
  { key: 'lantern', zh: '元宵', en: 'Lantern Festival', rule: { kind: 'lunar', month: 1, day: 15 } },
  { key: 'dragon_head', zh: '龙抬头', en: 'Dragon Raises its Head', rule: { kind: 'lunar', month: 2, day: 2 } },
  { key: 'qingming', zh: '清明', en: 'Qingming', rule: { kind: 'term', term: '清明' } },
  { key: 'dragon_boat', zh: '端午', en: 'Dragon Boat Festival', rule: { kind: 'lunar', month: 5, day: 5 } },
  { key: 'qixi', zh: '七夕', en: 'Qixi', rule: { kind: 'lunar', month: 7, day: 7 } },
  { key: 'ghost', zh: '中元', en: 'Ghost Festival', rule: { kind: 'lunar', month: 7, day: 15 } },
  { key: 'mid_autumn', zh: '中秋', en: 'Mid-Autumn Festival', rule: { kind: 'lunar', month: 8, day: 15 } },
  { key: 'double_ninth', zh: '重阳', en: 'Double Ninth Festival', rule: { kind: 'lunar', month: 9, day: 9 } },
  { key: 'winter_solstice', zh: '冬至', en: 'Winter Solstice', rule: { kind: 'term', term: '冬至' } },
  { key: 'laba', zh: '腊八', en: 'Laba Festival', rule: { kind: 'lunar', month: 12, day: 8 } },
  { key: 'little_new_year', zh: '小年', en: 'Little New Year', rule: { kind: 'lunar', month: 12, day: 23 } },
  { key: 'new_year', zh: '元旦', en: "New Year's Day", rule: { kind: 'solar', month: 1, day: 1 } },
  { key: 'valentines', zh: '情人节', en: "Valentine's Day", rule: { kind: 'solar', month: 2, day: 14 } },
  { key: 'womens_day', zh: '妇女节', en: "Women's Day", rule: { kind: 'solar', month: 3, day: 8 } },
  { key: 'labour_day', zh: '劳动节', en: 'Labour Day', rule: { kind: 'solar', month: 5, day: 1 } },
  { key: 'youth_day', zh: '青年节', en: 'Youth Day', rule: { kind: 'solar', month: 5, day: 4 } },
  { key: 'childrens_day', zh: '儿童节', en: "Children's Day", rule: { kind: 'solar', month: 6, day: 1 } },
  { key: 'teachers_day', zh: '教师节', en: "Teachers' Day", rule: { kind: 'solar', month: 9, day: 10 } },
  { key: 'national_day', zh: '国庆', en: 'National Day', rule: { kind: 'solar', month: 10, day: 1 } },
  { key: 'christmas', zh: '圣诞节', en: 'Christmas', rule: { kind: 'solar', month: 12, day: 25 } },
];

const byKey = new Map<string, Festival>();
for (const f of festivals) { byKey.set(f.key, f); byKey.set(f.zh, f); }

/** The festival of a key (English key or Chinese name, e.g. mid_autumn or 中秋), or undefined when unknown. */
export function findFestival(key: string): Festival | undefined {
  return byKey.get(key.trim());
}

/** The date of a solar term (e.g. 清明, 冬至) in solar year `year`. */
function solarTerm(year: number, term: string): Ymd {
  for (const probe of [Solar.fromYmd(year, 1, 1), Solar.fromYmd(year, 6, 1), Solar.fromYmd(year, 12, 31)]) {
    // the table's keys past the lunar year's end are pinyin (DONG_ZHI…): the term of the day itself names it
    for (const s of Object.values(probe.getLunar().getJieQiTable())) if (s.getYear() === year && s.getLunar().getJieQi() === term) return ofSolar(s);
  }
  throw new Error(`solar term ${term} not found in ${year}`);
}

/**
 * The date of a festival in its year `year` (the lunar year for lunar festivals, so 腊八 of 2026 may fall in January
 * 2027; the solar year for the others; 除夕 of `year` is the eve of that year's Spring Festival).
 */
export function festivalDate(f: Festival, year: number): Ymd {
  return { ...festivalOn(f.key, year) };
}

const festivalOn = memo((key: string, year: number): Ymd => {
  const r = byKey.get(key)!.rule;
  if (r.kind === 'solar') return { year, month: r.month, day: r.day };
  if (r.kind === 'term') return solarTerm(year, r.term);
  if (r.kind === 'eve') return ofSolar(Lunar.fromYmd(year, 1, 1).getSolar().next(-1));
  return ofSolar(Lunar.fromYmd(year, r.month, r.day).getSolar());
});
