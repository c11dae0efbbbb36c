import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CsvParser, detectDelimiter, type CsvRecord } from './csv.ts';

function parse(text: string | string[], delimiter = ','): { records: CsvRecord[]; error: string | null } {
  const p = new CsvParser(delimiter);
  const records: CsvRecord[] = [];
  for (const chunk of Array.isArray(text) ? text : [text]) p.push(chunk, records);
  return { records, error: p.end(records) };
}

describe('CsvParser', () => {
  it('parses quotes, escaped quotes, quotes spanning lines and ragged rows with start lines', () => {
    const { records, error } = parse('phone,name\r\n138,"Wang, ""Jr"""\n\n139,"two\nlines",extra\n140\n141,ab"c');
    expect(error).toBeNull();
    expect(records).toEqual([
      { line: 1, fields: ['phone', 'name'] },
      { line: 2, fields: ['138', 'Wang, "Jr"'] },
      { line: 4, fields: ['139', 'two\nlines', 'extra'] },
      { line: 6, fields: ['140'] },
      { line: 7, fields: ['141', 'ab"c'] },
    ]);
  });

  it('reports a quoted field that never closes, keeping the rows before it', () => {
    const { records, error } = parse('1,a\n2,"open\n3,c\n');
    expect(records).toEqual([{ line: 1, fields: ['1', 'a'] }]);
    expect(error).toContain('opened on line 2 is never closed');
  });

  it('gives the same records however the text is split into chunks', () => {
    const cell = fc.oneof(fc.constantFrom('', '"', '""', ',', '\n', '\r\n', '王', 'a'), fc.string({ maxLength: 4 }));
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) =>
      cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
    fc.assert(fc.property(fc.array(row, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (rows, cuts, crlf) => {
      const text = rows.join(crlf ? '\r\n' : '\n');
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const pieces: string[] = [];
      let prev = 0;
      for (const p of points) { pieces.push(text.slice(prev, p)); prev = p; }
      pieces.push(text.slice(prev));
      expect(parse(pieces)).toEqual(parse(text));
    }), { numRuns: 2000 });
  });

  it('detects the delimiter', () => {
    expect(detectDelimiter('a,b,c\n1,2,3')).toBe(',');
    expect(detectDelimiter('手机;姓名\n138;"王, 五"\n139;李四')).toBe(';');
    expect(detectDelimiter('phone\tname\n138\tA')).toBe('\t');
    expect(detectDelimiter('phone|name|city\n138|A|B')).toBe('|');
    expect(detectDelimiter('13800138000\n13900139000')).toBe(',');
  });
});
