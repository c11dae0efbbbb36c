import { describe, expect, it } from 'vitest';
import { safeCell } from './table-export.ts';

describe('spreadsheet cells', () => {
  it('escapes text a spreadsheet would run as a formula, and leaves the rest alone', () => {
    expect(safeCell('=1+1')).toBe("'=1+1");
    expect(safeCell('+86 138')).toBe("'+86 138");
    expect(safeCell('-2')).toBe("'-2");
    expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeCell('\tx')).toBe("'\tx");
    expect(safeCell('hello = world')).toBe('hello = world');
    expect(safeCell(-2)).toBe(-2);
    expect(safeCell(null)).toBeNull();
  });
});
