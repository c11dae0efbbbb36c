import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localMinute } from './local-time.ts';

describe('localMinute', () => {
  it('reads an ISO time in the zone, midnight as 00, across a date line', () => {
    expect(localMinute('2026-12-07T16:05:59.900Z', 'Asia/Shanghai')).toBe('2026-12-08 00:05');
    expect(localMinute('2026-07-01T12:00:00+02:00', 'Europe/Moscow')).toBe('2026-07-01 13:00');
    expect(localMinute('2026-03-08T10:30:00Z', 'America/New_York')).toBe('2026-03-08 06:30');
  });
  it('reads an unknown zone as UTC and a bad time as empty', () => {
    expect(localMinute('2026-12-07T16:05:00Z', 'Mars/Olympus')).toBe('2026-12-07 16:05');
    expect(localMinute('not a time', 'Asia/Shanghai')).toBe('');
  });
  it('gives every moment of a minute the local minute a fresh formatter gives it, in zones with odd offsets and changes', () => {
    const zones = ['Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'Europe/Moscow', 'Africa/Monrovia', 'Asia/Shanghai'];
    const fresh = (t: number, zone: string) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone })
        .formatToParts(t).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    };
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), fc.integer({ min: 0, max: 59_999 }), (t, zone, within) => {
      const minute = t - (((t % 60_000) + 60_000) % 60_000);
      // the minute read first through one moment, then through another: both as a fresh formatter reads them
      expect(localMinute(new Date(minute + within).toISOString(), zone)).toBe(fresh(minute + within, zone));
      expect(localMinute(new Date(minute).toISOString(), zone)).toBe(fresh(minute, zone));
    }), { numRuns: 3000 });
  });
});
