import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  capAllows, capNextAllowed, capWindowStart, nextAllowedTime, nextCronTime, parseCron, parseFrequencyCap, parseSendWindows, parseTimezone,
  quietHoursWindows, SendSchedule, type SendWindow,
} from './compliance.ts';
import { DomainError } from './errors.ts';

const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

/** Independent wall-clock check: is the local time of t inside one of the windows? */
function insideByWallClock(t: Date, windows: SendWindow[], zone: string): boolean {
  const local = DateTime.fromJSDate(t, { zone });
  const minute = local.hour * 60 + local.minute;
  const day = local.weekday;
  const prev = day === 1 ? 7 : day - 1;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return windows.some((w) => {
    const days = w.days ?? [1, 2, 3, 4, 5, 6, 7];
    const s = toMin(w.start);
    const e = toMin(w.end);
    if (e > s) return days.includes(day) && minute >= s && minute < e;
    return (days.includes(day) && minute >= s) || (days.includes(prev) && minute < e);
  });
}

describe('send windows', () => {
  const shanghai = 'Asia/Shanghai';
  const business: SendWindow[] = [
    { days: [1, 2, 3, 4, 5], start: '10:30', end: '12:00' },
    { days: [1, 2, 3, 4, 5], start: '15:30', end: '18:00' },
    { days: [1, 2, 3, 4, 5], start: '19:00', end: '21:00' },
  ];

  it('returns now inside a window, else the next window start, skipping weekends', () => {
    // 2024-06-05 is a Wednesday; Shanghai is UTC+8.
    expect(iso(nextAllowedTime(at('2024-06-05T03:00:00Z'), business, shanghai))).toBe('2024-06-05T03:00:00.000Z'); // 11:00 local
    expect(iso(nextAllowedTime(at('2024-06-05T04:00:00Z'), business, shanghai))).toBe('2024-06-05T07:30:00.000Z'); // 12:00 → 15:30
    expect(iso(nextAllowedTime(at('2024-06-05T13:00:00Z'), business, shanghai))).toBe('2024-06-06T02:30:00.000Z'); // 21:00 → Thu 10:30
    expect(iso(nextAllowedTime(at('2024-06-07T13:30:00Z'), business, shanghai))).toBe('2024-06-10T02:30:00.000Z'); // Fri 21:30 → Mon 10:30
    expect(iso(nextAllowedTime(at('2024-06-05T13:00:00Z'), [], shanghai))).toBe('2024-06-05T13:00:00.000Z');
  });

  it('evaluates the same instant in each recipient’s own zone', () => {
    const w = [{ start: '09:00', end: '20:00' }];
    const now = at('2024-06-05T04:00:00Z');
    expect(iso(nextAllowedTime(now, w, 'Asia/Shanghai'))).toBe('2024-06-05T04:00:00.000Z'); // 12:00 there
    expect(iso(nextAllowedTime(now, w, 'Europe/Moscow'))).toBe('2024-06-05T06:00:00.000Z'); // 07:00 → 09:00 MSK
    expect(iso(nextAllowedTime(now, w, 'America/Los_Angeles'))).toBe('2024-06-05T16:00:00.000Z'); // 21:00 → 09:00 PDT
  });

  it('handles windows over midnight, starting on the listed day', () => {
    const night = [{ days: [5], start: '22:00', end: '02:00' }]; // Friday night into Saturday
    expect(iso(nextAllowedTime(at('2024-06-08T01:00:00Z'), night, 'UTC'))).toBe('2024-06-08T01:00:00.000Z'); // Sat 01:00
    expect(iso(nextAllowedTime(at('2024-06-08T02:00:00Z'), night, 'UTC'))).toBe('2024-06-14T22:00:00.000Z');
    const quiet = quietHoursWindows('21:00', '08:00');
    expect(quiet).toEqual([{ start: '08:00', end: '21:00' }]);
    expect(iso(nextAllowedTime(at('2024-06-05T14:00:00Z'), quiet, shanghai))).toBe('2024-06-06T00:00:00.000Z'); // 22:00 → 08:00
    expect(quietHoursWindows('00:00', '06:00')).toEqual([{ start: '06:00', end: '00:00' }]);
    expect(iso(nextAllowedTime(at('2024-06-05T23:59:00Z'), quietHoursWindows('00:00', '06:00'), 'UTC'))).toBe('2024-06-05T23:59:00.000Z');
    expect(quietHoursWindows('08:00', '08:00')).toEqual([]);
    expect(iso(nextAllowedTime(at('2024-06-05T23:59:00Z'), [{ start: '00:00', end: '00:00', days: [4] }], 'UTC'))).toBe('2024-06-06T00:00:00.000Z');
  });

  it('crosses DST: a skipped hour has no window, a repeated hour is allowed both times', () => {
    const berlin = 'Europe/Berlin';
    // 2024-03-31: 02:00 CET → 03:00 CEST (01:00Z). A window 02:00–02:30 does not exist that day.
    const gap = [{ start: '02:00', end: '02:30' }];
    expect(iso(nextAllowedTime(at('2024-03-30T23:00:00Z'), gap, berlin))).toBe('2024-04-01T00:00:00.000Z'); // next day 02:00 CEST
    // A window 02:15–04:00 opens when the clock jumps to 03:00.
    expect(iso(nextAllowedTime(at('2024-03-30T23:00:00Z'), [{ start: '02:15', end: '04:00' }], berlin))).toBe('2024-03-31T01:00:00.000Z');
    // 09:00 local moves from 08:00Z to 07:00Z across the change.
    const nine = [{ start: '09:00', end: '10:00' }];
    expect(iso(nextAllowedTime(at('2024-03-30T12:00:00Z'), nine, berlin))).toBe('2024-03-31T07:00:00.000Z');
    // 2024-10-27: 03:00 CEST → 02:00 CET (01:00Z); 02:00–02:30 happens twice.
    const twice = [{ start: '02:00', end: '02:30' }];
    expect(iso(nextAllowedTime(at('2024-10-26T23:00:00Z'), twice, berlin))).toBe('2024-10-27T00:00:00.000Z'); // first 02:00 (CEST)
    expect(iso(nextAllowedTime(at('2024-10-27T00:45:00Z'), twice, berlin))).toBe('2024-10-27T01:00:00.000Z'); // second 02:00 (CET)
    expect(iso(nextAllowedTime(at('2024-10-27T01:10:00Z'), twice, berlin))).toBe('2024-10-27T01:10:00.000Z');
    // New York: 2024-03-10 02:00 EST → 03:00 EDT (07:00Z), overnight window 22:00–02:30.
    const ny = [{ start: '22:00', end: '02:30' }];
    expect(iso(nextAllowedTime(at('2024-03-10T06:59:00Z'), ny, 'America/New_York'))).toBe('2024-03-10T06:59:00.000Z');
    expect(iso(nextAllowedTime(at('2024-03-10T07:00:00Z'), ny, 'America/New_York'))).toBe('2024-03-11T02:00:00.000Z'); // 22:00 EDT
  });

  it('intersects windows with quiet hours and remembers answers per zone and minute', () => {
    const s = SendSchedule.of([{ start: '07:00', end: '23:00' }]).and(quietHoursWindows('21:00', '08:00'));
    expect(s.allows(at('2024-06-05T07:30:00Z'), 'UTC')).toBe(false);
    expect(iso(s.next(at('2024-06-05T07:30:00Z'), 'UTC'))).toBe('2024-06-05T08:00:00.000Z');
    expect(iso(s.next(at('2024-06-05T07:30:30Z'), 'UTC'))).toBe('2024-06-05T08:00:00.000Z');
    expect(iso(s.next(at('2024-06-05T21:00:00Z'), 'UTC'))).toBe('2024-06-06T08:00:00.000Z');
    expect(SendSchedule.of([]).always).toBe(true);
    const never = SendSchedule.of([{ start: '01:00', end: '02:00' }]).and([{ start: '03:00', end: '04:00' }]);
    expect(never.never).toBe(true);
    expect(() => never.next(new Date(), 'UTC')).toThrow(DomainError);
    expect(() => nextAllowedTime(new Date(), [{ start: '01:00', end: '02:00' }], 'Mars/Olympus')).toThrow(/time zone/);
  });

  it('property: the answer is ≥ now, inside a window by wall clock, and nothing earlier is', () => {
    const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'UTC', 'Asia/Kolkata'];
    const hm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const windowArb = fc.record({ days: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }), { nil: undefined }), start: hm, end: hm })
      .map((w) => (w.days ? w : { start: w.start, end: w.end }));
    fc.assert(fc.property(
      fc.array(windowArb, { minLength: 1, maxLength: 4 }),
      fc.constantFrom(...zones),
      fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2026, 0, 1) }),
      (windows, zone, ms) => {
        const now = new Date(ms);
        const next = nextAllowedTime(now, windows, zone);
        expect(next.getTime()).toBeGreaterThanOrEqual(ms);
        expect(insideByWallClock(next, windows, zone)).toBe(true);
        // Nothing earlier: sample the minutes between now and the answer (bounded).
        const stepMin = Math.max(1, Math.ceil((next.getTime() - ms) / 60_000 / 400));
        for (let t = Math.ceil(ms / 60_000) * 60_000; t < next.getTime(); t += stepMin * 60_000) {
          expect(insideByWallClock(new Date(t), windows, zone)).toBe(false);
        }
      },
    ), { numRuns: 300 });
  });

  it('property: around DST changes too', () => {
    const transitions = [Date.UTC(2024, 2, 31, 1), Date.UTC(2024, 9, 27, 1)]; // Europe/Berlin
    const hm = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `0${h}:${String(m).padStart(2, '0')}`);
    fc.assert(fc.property(
      fc.array(fc.record({ start: hm, end: hm }), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(...transitions),
      fc.integer({ min: -4 * 60, max: 4 * 60 }),
      (windows, base, offsetMin) => {
        const ms = base + offsetMin * 60_000;
        const next = nextAllowedTime(new Date(ms), windows, 'Europe/Berlin');
        expect(next.getTime()).toBeGreaterThanOrEqual(ms);
        expect(insideByWallClock(next, windows, 'Europe/Berlin')).toBe(true);
        for (let t = Math.ceil(ms / 60_000) * 60_000; t < next.getTime() && t < ms + 2 * 86_400_000; t += 60_000) {
          expect(insideByWallClock(new Date(t), windows, 'Europe/Berlin')).toBe(false);
        }
      },
    ), { numRuns: 200 });
  });
});

describe('parsing', () => {
  it('parses windows as objects or strings and names the bad field', () => {
    expect(parseSendWindows(['10:30-12:00', { days: [5, 1, 1], start: '19:00', end: '24:00' }])).toEqual([
      { start: '10:30', end: '12:00' }, { days: [1, 5], start: '19:00', end: '24:00' },
    ]);
    expect(parseSendWindows(undefined)).toEqual([]);
    const bad = (input: unknown) => { try { parseSendWindows(input); } catch (e) { return (e as DomainError).details; } return null; };
    expect(bad([{ start: '25:00', end: '12:00' }])).toEqual({ field: 'sendWindows[0].start' });
    expect(bad([{ start: '10:00', end: '12:00', days: [0] }])).toEqual({ field: 'sendWindows[0].days[0]' });
    expect(bad(['10:00-26:00'])).toEqual({ field: 'sendWindows[0]' });
    expect(bad('10:00')).toEqual({ field: 'sendWindows' });
    expect(() => parseSendWindows([{ start: '24:00', end: '01:00' }])).toThrow(/24:00/);
  });

  it('parses caps, time zones and cron', () => {
    expect(parseFrequencyCap({ max: 1, days: 14, category: 'marketing' })).toEqual({ max: 1, days: 14, category: 'marketing' });
    expect(() => parseFrequencyCap({ max: -1, days: 14 })).toThrow(/frequencyCap.max/);
    expect(() => parseFrequencyCap({ max: 1, days: 14, category: 'spam' })).toThrow(DomainError);
    expect(parseTimezone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(() => parseTimezone('Asia/Nowhere')).toThrow(/IANA/);
    expect(parseCron(' 0 9 * * 1-5 ')).toBe('0 9 * * 1-5');
    expect(() => parseCron('every day')).toThrow(DomainError);
    expect(() => parseCron('61 * * * *')).toThrow(DomainError);
    expect(iso(nextCronTime('0 9 * * 1-5', at('2024-06-07T02:00:00Z'), 'Asia/Shanghai')!)).toBe('2024-06-10T01:00:00.000Z');
  });
});

describe('frequency caps', () => {
  const now = at('2024-06-15T12:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  it('allows at most max messages in any period of days', () => {
    const cap = { max: 1, days: 14 };
    expect(capAllows(cap, [], now)).toBe(true);
    expect(capAllows(cap, [daysAgo(13.9)], now)).toBe(false);
    expect(capAllows(cap, [daysAgo(14)], now)).toBe(true);
    expect(capAllows(cap, [daysAgo(20), daysAgo(15)], now)).toBe(true);
    expect(capAllows({ max: 3, days: 7 }, [daysAgo(1), daysAgo(2)], now)).toBe(true);
    expect(capAllows({ max: 3, days: 7 }, [daysAgo(1), daysAgo(2), daysAgo(6)], now)).toBe(false);
    expect(capAllows({ max: 0, days: 7 }, [], now)).toBe(false);
    expect(capAllows(cap, [new Date(now.getTime() + 60_000)], now)).toBe(true); // a future-dated entry does not count
    expect(iso(capWindowStart(cap, now))).toBe('2024-06-01T12:00:00.000Z');
  });

  it('says when the cap allows again', () => {
    expect(capNextAllowed({ max: 1, days: 14 }, [daysAgo(10)], now)!.toISOString()).toBe(daysAgo(-4).toISOString());
    expect(capNextAllowed({ max: 2, days: 7 }, [daysAgo(1), daysAgo(3), daysAgo(5)], now)!.toISOString()).toBe(daysAgo(-4).toISOString());
    expect(capNextAllowed({ max: 2, days: 7 }, [daysAgo(1)], now)).toBe(now);
    expect(capNextAllowed({ max: 0, days: 7 }, [], now)).toBeNull();
    const cap = { max: 2, days: 7 };
    const prev = [daysAgo(1), daysAgo(3), daysAgo(5)];
    const when = capNextAllowed(cap, prev, now)!;
    expect(capAllows(cap, prev, when)).toBe(true);
    expect(capAllows(cap, prev, new Date(when.getTime() - 1))).toBe(false);
  });
});
