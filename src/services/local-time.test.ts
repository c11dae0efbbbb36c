import { describe, expect, it } from 'vitest';
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
});
