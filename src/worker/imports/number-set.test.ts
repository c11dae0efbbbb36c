import { describe, expect, it } from 'vitest';
import { NumberSet } from './number-set.ts';

describe('NumberSet', () => {
  it('adds, finds and grows like a Set of the same numbers', () => {
    const set = new NumberSet(4);
    const reference = new Set<number>();
    let s = 7;
    for (let i = 0; i < 50_000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const key = 8613000000000 + (s % 20_000) * 9973;
      expect(set.add(key)).toBe(!reference.has(key));
      reference.add(key);
    }
    expect(set.size).toBe(reference.size);
    for (const k of reference) expect(set.has(k)).toBe(true);
    expect(set.has(8613000000001)).toBe(reference.has(8613000000001));
    expect(set.has(1)).toBe(false);
  });

  it('takes E.164 numbers up to 15 digits and refuses what it cannot hold', () => {
    const set = new NumberSet();
    expect(set.add(999999999999999)).toBe(true);
    expect(set.has(999999999999999)).toBe(true);
    expect(set.has(999999999999998)).toBe(false);
    expect(() => set.add(0)).toThrow(RangeError);
    expect(() => set.add(1.5)).toThrow(RangeError);
  });
});
