import { describe, expect, it } from 'vitest';
import { periodKey, tally } from './rules.ts';
import { optionsOf, optionsProblem, pickOption } from '../choices.ts';

describe('poll rules', () => {
  it('cuts days, weeks and months in the tenant zone: 23:59 and 00:01 in Asia/Shanghai are two days', () => {
    expect(periodKey('2026-03-01T15:59:00Z', 'day', 'Asia/Shanghai')).toBe('2026-03-01');
    expect(periodKey('2026-03-01T16:01:00Z', 'day', 'Asia/Shanghai')).toBe('2026-03-02');
    expect(periodKey('2026-03-01T16:01:00Z', 'day', 'UTC')).toBe('2026-03-01');
    expect(periodKey('2026-02-28T16:30:00Z', 'month', 'Asia/Shanghai')).toBe('2026-03');
    expect(periodKey('2026-03-01T16:01:00Z', 'week', 'Asia/Shanghai')).toBe('2026-W10');
    expect(periodKey('2026-03-01T16:01:00Z', 'once', 'Asia/Shanghai')).toBe('all');
  });
  it('counts one vote per number and period: the first, or the latest when votes may change', () => {
    const votes = [
      { phone: 'a', period: 'all', option: '1', valid: true, receivedAt: '1' },
      { phone: 'a', period: 'all', option: '2', valid: true, receivedAt: '2' },
      { phone: 'b', period: 'all', option: '2', valid: true, receivedAt: '3' },
      { phone: 'c', period: 'all', option: null, valid: false, receivedAt: '4' },
    ];
    expect([...tally(votes, ['1', '2'], false).counts]).toEqual([['1', 1], ['2', 1]]);
    expect([...tally(votes, ['1', '2'], true).counts]).toEqual([['1', 0], ['2', 2]]);
    expect(tally(votes, ['1', '2'], true).voters).toBe(2);
  });
  it('picks options by key, letter, full-width letter or name, and finds duplicates', () => {
    const opts = optionsOf([{ name: '香草' }, { name: '巧克力' }]);
    expect(pickOption(opts, '1')?.name).toBe('香草');
    expect(pickOption(opts, 'Ｂ')?.name).toBe('巧克力');
    expect(pickOption(opts, 'b')?.name).toBe('巧克力');
    expect(pickOption(opts, '２')?.name).toBe('巧克力');
    expect(pickOption(opts, '巧克力')?.name).toBe('巧克力');
    expect(pickOption(opts, 'C')).toBeNull();
    expect(optionsProblem([{ name: 'x' }, { name: 'X' }])).toMatch(/twice/);
    expect(optionsProblem([{ key: 'A', name: 'x' }, { key: 'ａ', name: 'y' }])).toMatch(/key A appears twice/);
  });
});
