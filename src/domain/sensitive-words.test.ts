import { describe, expect, it } from 'vitest';
import { normalizeWord, SensitiveWordMatcher, validateWord } from './sensitive-words.ts';

describe('SensitiveWordMatcher', () => {
  it('finds words in any case and width, with original positions, longest first', () => {
    const m = new SensitiveWordMatcher(['赌博', 'Casino', 'casino royale', '发票', '代开发票', 'ＶＩＰ']);
    expect(m.find('欢迎来到 CASINO ROYALE，可代开发票，vip 赌博')).toEqual([
      { word: 'casino royale', index: 5, length: 13 },
      { word: '代开发票', index: 20, length: 4 },
      { word: 'ＶＩＰ', index: 25, length: 3 },
      { word: '赌博', index: 29, length: 2 },
    ]);
    expect(m.find('ｃａｓｉｎｏ')).toEqual([{ word: 'Casino', index: 0, length: 6 }]);
    expect(m.test('nothing here')).toBe(false);
    expect(m.test('去赌博')).toBe(true);
  });

  it('dedupes words and copes with an empty list', () => {
    expect(new SensitiveWordMatcher(['Sale', 'SALE', ' ｓａｌｅ ', '', '  ']).size).toBe(1);
    const empty = new SensitiveWordMatcher([]);
    expect(empty.find('anything')).toEqual([]);
    expect(empty.test('anything')).toBe(false);
    expect(new SensitiveWordMatcher(['a']).find('')).toEqual([]);
  });

  it('validates and normalises words for the lists', () => {
    expect(validateWord('  ＡＢＣ ')).toBe('ABC');
    expect(normalizeWord('ＡＢＣ')).toBe('abc');
    expect(() => validateWord('   ')).toThrow(/empty/);
    expect(() => validateWord('x'.repeat(51))).toThrow(/at most/);
    expect(() => validateWord('a\nb')).toThrow(/one line/);
  });
});
