import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { automationInputSchema, calendarOf, dateValueProblem, dueAt, localDate, parseDateValue } from './rules.ts';
import { eventZone, zoneOfCountry } from './zones.ts';
import { declinesCategory } from '../domain/compliance.ts';

const step = (at: string | undefined, offsetDays = 0, delayMinutes = 0) => ({ at, offsetDays, delayMinutes, text: 'x' });

describe('automation rules', () => {
  it('gives the local date of any instant in a zone as luxon does, across DST changes and odd offsets', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2032, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
      const d = DateTime.fromMillis(ms, { zone });
      expect(localDate(new Date(ms), zone)).toEqual({ year: d.year, month: d.month, day: d.day });
    }), { numRuns: 3000 });
    // the minutes around New York's spring-forward and fall-back instants of 2027, and Lord Howe's half-hour change
    for (const at of ['2027-03-14T07:00:00Z', '2027-11-07T06:00:00Z', '2027-04-03T15:00:00Z']) {
      for (let m = -90; m <= 90; m++) {
        const ms = Date.parse(at) + m * 60_000;
        for (const zone of ['America/New_York', 'Australia/Lord_Howe']) {
          const d = DateTime.fromMillis(ms, { zone });
          expect(localDate(new Date(ms), zone)).toEqual({ year: d.year, month: d.month, day: d.day });
        }
      }
    }
  });

  it('parses date field values, leap months included, and rejects garbage', () => {
    expect(parseDateValue('1990-08-15')).toEqual({ year: 1990, month: 8, day: 15, leap: false });
    expect(parseDateValue('08-15')).toEqual({ year: null, month: 8, day: 15, leap: false });
    expect(parseDateValue('1990-L05-10')).toEqual({ year: 1990, month: 5, day: 10, leap: true });
    expect(parseDateValue('1990年闰5月10日')).toEqual({ year: 1990, month: 5, day: 10, leap: true });
    expect(parseDateValue('1990-08-15T00:00:00Z')).toEqual({ year: 1990, month: 8, day: 15, leap: false });
    for (const bad of ['abc', '', '1990-13-01', '1990-02-32', 42, null, '2024-02']) expect(parseDateValue(bad)).toBeNull();
    expect(dateValueProblem(parseDateValue('2023-02-29')!, 'solar')).toMatch(/not a date in 2023/);
    expect(dateValueProblem(parseDateValue('02-29')!, 'solar')).toBeNull();
    expect(dateValueProblem(parseDateValue('1990-L05-10')!, 'solar')).toMatch(/only in the lunar/);
    expect(dateValueProblem(parseDateValue('1990-L06-01')!, 'lunar')).toMatch(/no leap month 6/);
  });

  it('takes the calendar from the contact\'s field when the rule names one', () => {
    const t = automationInputSchema.parse({ name: 'b', category: 'notification', trigger: { type: 'date', field: 'birthday', calendarField: 'cal' }, steps: [{ at: '09:00', text: 'x' }] }).trigger as never;
    expect(calendarOf(t, { cal: '农历' })).toBe('lunar');
    expect(calendarOf(t, { cal: 'solar' })).toBe('solar');
    expect(calendarOf(t, {})).toBe('solar');
    expect(calendarOf(t, { constructor: 'lunar' })).toBe('solar');
  });

  it('places a 09:00 rule at 09:00 local across DST in America/New_York, and moves 02:30 on the spring-forward day to 03:30', () => {
    const zone = 'America/New_York';
    expect(dueAt(step('09:00'), { year: 2027, month: 1, day: 10 }, null, zone).toISOString()).toBe('2027-01-10T14:00:00.000Z');
    expect(dueAt(step('09:00'), { year: 2027, month: 3, day: 14 }, null, zone).toISOString()).toBe('2027-03-14T13:00:00.000Z');
    expect(dueAt(step('09:00'), { year: 2027, month: 11, day: 7 }, null, zone).toISOString()).toBe('2027-11-07T14:00:00.000Z');
    // 2027-03-14 02:30 does not exist in New York: the clocks go from 02:00 EST to 03:00 EDT
    expect(dueAt(step('02:30'), { year: 2027, month: 3, day: 14 }, null, zone).toISOString()).toBe('2027-03-14T07:30:00.000Z');
    expect(dueAt(step('02:30'), { year: 2027, month: 3, day: 13 }, null, zone).toISOString()).toBe('2027-03-13T07:30:00.000Z');
    expect(dueAt(step('09:00', -7), { year: 2027, month: 3, day: 14 }, null, 'Asia/Shanghai').toISOString()).toBe('2027-03-07T01:00:00.000Z');
    expect(dueAt(step(undefined, 0, 90), null, new Date('2027-01-01T00:00:00Z'), zone).toISOString()).toBe('2027-01-01T01:30:00.000Z');
  });

  it('refuses an unknown festival key and a step without text', () => {
    const bad = automationInputSchema.safeParse({ name: 'h', trigger: { type: 'holiday', festival: 'no_such_day' }, steps: [{ text: 'x' }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error!.issues)).toMatch(/unknown festival/);
    expect(automationInputSchema.safeParse({ name: 'h', trigger: { type: 'holiday', festival: '中秋' }, steps: [{ at: '09:00' }] }).success).toBe(false);
  });

  it('finds a roaming customer\'s zone from the event\'s country', () => {
    expect(zoneOfCountry('JP')).toBe('Asia/Tokyo');
    expect(zoneOfCountry('us')).toBe('America/New_York');
    expect(zoneOfCountry('ZZ')).toBeNull();
    expect(eventZone({ country: 'TH' }, 'Asia/Shanghai')).toBe('Asia/Bangkok');
    expect(eventZone({ timezone: 'Europe/Paris', country: 'TH' }, 'Asia/Shanghai')).toBe('Europe/Paris');
    expect(eventZone({ timezone: 'Mars/Base', __proto__: 'x' }, 'Asia/Shanghai')).toBe('Asia/Shanghai');
  });

  it('reads channel preferences from the contact fields', () => {
    expect(declinesCategory({ receiveMarketing: false }, 'marketing')).toBe(true);
    expect(declinesCategory({ receiveMarketing: '否' }, 'marketing')).toBe(true);
    expect(declinesCategory({ receiveMarketing: 'yes' }, 'marketing')).toBe(false);
    expect(declinesCategory({ receiveMarketing: false }, 'notification')).toBe(false);
    expect(declinesCategory({ receiveNotifications: 'no' }, 'notification')).toBe(true);
    expect(declinesCategory({ receiveNotifications: false, receiveMarketing: false }, 'verification')).toBe(false);
    expect(declinesCategory(JSON.parse('{"__proto__": false}') as Record<string, unknown>, 'marketing')).toBe(false);
  });
});
