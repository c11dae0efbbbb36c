import { describe, expect, it } from 'vitest';
import TextMatcher from 'modern-ahocorasick/text';
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

  it('finds in a plain ASCII text exactly what the general matcher finds (words that fold or normalise to ASCII too)', () => {
    const words = ['Straße', 'ﬁle', 'ＶＩＰ', '\u212Aey', 'ſale', '12321', 'spam', 'ab', 'abc', 'bc', 'b', '赌博', 'é', 'CASINO ROYALE'];
    const m = new SensitiveWordMatcher(words);
    const general = new TextMatcher(words, { normalization: 'NFKC', caseFold: true });
    const texts = ['STRASSE and strasse', 'File a FILE', 'vip VIP v.i.p', 'KEY key', 'SALE on sale', '4512321998877665', '12 321', 'ABCABC abab bcb',
      'Casino Royale\r\nspam\tSPAM', 'nothing', 'e', '~!@#$%^&*()_+{}|:"<>?'];
    for (const text of texts) {
      const expected = general.search(text, { strategy: 'leftmost-longest' }).map((h) => ({ word: h.pattern, index: h.start, length: h.end - h.start }));
      expect(m.find(text), text).toEqual(expected);
      expect(m.test(text), text).toBe(expected.length > 0);
    }
    expect(m.find('STRASSE')).toEqual([{ word: 'Straße', index: 0, length: 7 }]);
    expect(m.find('去赌博 spam')).toEqual([{ word: '赌博', index: 1, length: 2 }, { word: 'spam', index: 4, length: 4 }]);
    expect(new SensitiveWordMatcher(['赌博']).find('plain text')).toEqual([]);
  });

  it('validates and normalises words for the lists', () => {
    expect(validateWord('  ＡＢＣ ')).toBe('ABC');
    expect(normalizeWord('ＡＢＣ')).toBe('abc');
    expect(() => validateWord('   ')).toThrow(/empty/);
    expect(() => validateWord('x'.repeat(51))).toThrow(/at most/);
    expect(() => validateWord('a\nb')).toThrow(/one line/);
  });
});
