import { describe, expect, it } from 'vitest';
import { festivalDate, findFestival, leapMonthOf, lunarDateProblem, lunarMonthDays, lunarToSolar, solarInYear, solarToLunar, ymdText } from './lunar.ts';
import { WorkCalendar, missingYearWarning, seedHolidays } from './holidays.ts';

const on = (key: string, year: number) => ymdText(festivalDate(findFestival(key)!, year));

describe('lunar calendar (lunar-typescript) against published dates', () => {
  it('resolves festivals each year', () => {
    expect(on('mid_autumn', 2027)).toBe('2027-09-15');
    expect(on('中秋', 2026)).toBe('2026-09-25');
    expect(on('new_years_eve', 2027)).toBe('2027-02-05');
    expect(on('spring_festival', 2027)).toBe('2027-02-06');
    expect(on('spring_festival', 2026)).toBe('2026-02-17');
    expect(on('dragon_boat', 2026)).toBe('2026-06-19');
    expect(on('lantern', 2026)).toBe('2026-03-03');
    expect(on('qingming', 2026)).toBe('2026-04-05');
    expect(on('winter_solstice', 2026)).toBe('2026-12-22');
    expect(on('qixi', 2026)).toBe('2026-08-19');
    expect(on('double_ninth', 2026)).toBe('2026-10-18');
    expect(on('national_day', 2030)).toBe('2030-10-01');
    expect(findFestival('no_such_day')).toBeUndefined();
  });

  it('knows the eve of 2027 is the 29th of the twelfth month (that month has 29 days)', () => {
    expect(solarToLunar({ year: 2027, month: 2, day: 5 })).toEqual({ year: 2026, month: 12, day: 29, leap: false });
    expect(lunarMonthDays(2026, 12, false)).toBe(29);
  });

  it('moves day 30 of a 29-day month to day 29 or the next day', () => {
    expect(lunarMonthDays(2027, 12, false)).toBe(29);
    expect(ymdText(lunarToSolar(2027, { month: 12, day: 30, leap: false }))).toBe(ymdText(lunarToSolar(2027, { month: 12, day: 29, leap: false })));
    expect(ymdText(lunarToSolar(2027, { month: 12, day: 30, leap: false }, { leapMonth: 'leap_if_present', day30: 'next_day', feb29: 'feb28' })))
      .toBe(ymdText(lunarToSolar(2028, { month: 1, day: 1, leap: false })));
    // over several years: day 30 is always the last day of the 12th month or the day after it
    for (let y = 2024; y <= 2035; y++) {
      const s = lunarToSolar(y, { month: 12, day: 30, leap: false });
      const l = solarToLunar(s);
      expect(l.month).toBe(12);
      expect(l.day).toBe(lunarMonthDays(y, 12, false));
    }
  });

  it('puts a leap-month birthday in the same leap month when the year has one, else the regular month', () => {
    // 2023 had a leap 2nd month, 2025 a leap 6th month, 2028 a leap 5th month
    expect(leapMonthOf(2023)).toBe(2);
    expect(leapMonthOf(2025)).toBe(6);
    expect(leapMonthOf(2028)).toBe(5);
    const birthday = { month: 6, day: 10, leap: true };
    expect(ymdText(lunarToSolar(2025, birthday))).toBe('2025-08-03');
    expect(solarToLunar(lunarToSolar(2025, birthday))).toEqual({ year: 2025, month: 6, day: 10, leap: true });
    expect(ymdText(lunarToSolar(2025, birthday, { leapMonth: 'regular', day30: 'day29', feb29: 'feb28' }))).toBe('2025-07-04');
    for (let y = 2026; y <= 2032; y++) {
      const l = solarToLunar(lunarToSolar(y, birthday));
      expect(l).toEqual({ year: y, month: 6, day: 10, leap: leapMonthOf(y) === 6 });
    }
  });

  it('refuses lunar dates that cannot exist, with the reason', () => {
    expect(lunarDateProblem({ month: 13, day: 1, leap: false })).toMatch(/month 13/);
    expect(lunarDateProblem({ month: 1, day: 31, leap: false })).toMatch(/day 31/);
    expect(lunarDateProblem({ month: 6, day: 1, leap: true }, 2024)).toMatch(/no leap month 6/);
    expect(lunarDateProblem({ month: 12, day: 30, leap: false }, 2027)).toMatch(/only 29 days/);
    expect(lunarDateProblem({ month: 6, day: 1, leap: true }, 2025)).toBeNull();
  });

  it('moves Feb 29 in common years by the rule', () => {
    expect(solarInYear(2027, 2, 29)).toEqual({ year: 2027, month: 2, day: 28 });
    expect(solarInYear(2027, 2, 29, { leapMonth: 'regular', day30: 'day29', feb29: 'mar1' })).toEqual({ year: 2027, month: 3, day: 1 });
    expect(solarInYear(2028, 2, 29)).toEqual({ year: 2028, month: 2, day: 29 });
  });
});

describe('holiday calendar', () => {
  const seed = seedHolidays();

  it('seeds the official days off and adjusted workdays from the library', () => {
    const y2026 = seed.get(2026)!;
    expect(y2026.find((d) => d.date === '2026-10-01')).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(y2026.some((d) => d.kind === 'workday')).toBe(true);
  });

  it('shifts to the next working day and never treats a year without data as having no holidays', () => {
    const years = new Set([2026]);
    const work = new WorkCalendar(years, seed.get(2026)!);
    // National Day 2026 is a day off; the holiday runs to 10-07, and 10-08 is a working day
    expect(work.isWorkday({ year: 2026, month: 10, day: 1 })).toBe(false);
    expect(ymdText(work.nextWorkday({ year: 2026, month: 10, day: 1 })!)).toBe('2026-10-08');
    // an adjusted working Saturday or Sunday counts as a working day
    const adjusted = seed.get(2026)!.find((d) => d.kind === 'workday')!;
    const [y, m, d] = adjusted.date.split('-').map(Number);
    expect(work.isWorkday({ year: y, month: m, day: d })).toBe(true);
    expect(work.isWorkday({ year: 2027, month: 1, day: 4 })).toBeNull();
    expect(work.nextWorkday({ year: 2026, month: 12, day: 31 })).toEqual({ year: 2026, month: 12, day: 31 });
    expect(work.nextWorkday({ year: 2027, month: 1, day: 1 })).toBeNull();
  });

  it('warns from 1 December when next year is missing', () => {
    expect(missingYearWarning({ year: 2026, month: 12, day: 1 }, new Set([2026]))).toMatch(/no data for 2027/);
    expect(missingYearWarning({ year: 2026, month: 11, day: 30 }, new Set([2026]))).toBeNull();
    expect(missingYearWarning({ year: 2026, month: 12, day: 1 }, new Set([2026, 2027]))).toBeNull();
  });
});
