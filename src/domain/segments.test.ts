import { describe, it, expect } from 'vitest';
import { parseSegment, fieldsOf } from './segments.ts';
import { DomainError } from './errors.ts';

function syntaxError(filter: string): { position: number; expected: string; message: string } {
  try {
    parseSegment(filter);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('filter_syntax');
    return { ...(e as DomainError).details as { position: number; expected: string }, message: (e as Error).message };
  }
  throw new Error(`no error for ${filter}`);
}

describe('parseSegment', () => {
  it('parses the example from the issue', () => {
    expect(parseSegment('city = "北京" and age >= 32 and tag:vip and not replied within 30d')).toEqual({
      kind: 'and', items: [
        { kind: 'compare', field: 'city', op: '=', value: '北京' },
        { kind: 'compare', field: 'age', op: '>=', value: 32 },
        { kind: 'tag', name: 'vip' },
        { kind: 'not', item: { kind: 'within', activity: 'replied', seconds: 30 * 86400 } },
      ],
    });
  });

  it('gives and precedence over or, and honours parentheses', () => {
    expect(parseSegment('a = 1 or b = 2 and c = 3')).toEqual({ kind: 'or', items: [
      { kind: 'compare', field: 'a', op: '=', value: 1 },
      { kind: 'and', items: [{ kind: 'compare', field: 'b', op: '=', value: 2 }, { kind: 'compare', field: 'c', op: '=', value: 3 }] },
    ] });
    expect(parseSegment('(a = 1 OR b = 2) AND c != "x"')).toMatchObject({ kind: 'and', items: [{ kind: 'or' }, { op: '!=' }] });
  });

  it('parses every predicate', () => {
    expect(parseSegment('group:"VIP customers"')).toEqual({ kind: 'group', name: 'VIP customers' });
    expect(parseSegment('carrier = "China Mobile"')).toEqual({ kind: 'compare', field: 'carrier', op: '=', value: 'China Mobile' });
    expect(parseSegment("province = '广东'")).toMatchObject({ value: '广东' });
    expect(parseSegment('name contains "王"')).toEqual({ kind: 'contains', field: 'name', value: '王' });
    expect(parseSegment('city in ("北京", "上海", 3)')).toEqual({ kind: 'in', field: 'city', values: ['北京', '上海', 3] });
    expect(parseSegment('opted_out')).toEqual({ kind: 'opted_out' });
    expect(parseSegment('created within 7d')).toEqual({ kind: 'within', activity: 'created', seconds: 7 * 86400 });
    expect(parseSegment('messaged within 2w or replied within 12h')).toMatchObject({ kind: 'or' });
    expect(parseSegment('vip = true and churn < 0.5 and score <= -1 and 收入 > 10000'))
      .toMatchObject({ items: [{ value: true }, { value: 0.5 }, { value: -1 }, { field: '收入', value: 10000 }] });
    expect(parseSegment('note = "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
  });

  it.each([
    ['city = ', 8, 'a value'],
    ['city "北京"', 6, 'an operator after "city"'],
    ['age >= 32 and', 14, 'a condition'],
    ['(a = 1', 7, '")"'],
    ['a = 1 b = 2', 7, '"and", "or" or end of filter'],
    ['city = "北京', 11, 'a closing "'],
    ['replied within 30', 16, 'a duration'],
    ['a in (1 2)', 9, '"," or ")"'],
    ['a = 1 & b = 2', 7, 'a field, a value or an operator'],
    ['', 1, 'a condition'],
  ])('reports %j at position %i', (filter, position, expected) => {
    const e = syntaxError(filter);
    expect(e.position).toBe(position);
    expect(e.expected).toContain(expected);
    // a stable code of what was expected, for the console to say in the user's language
    expect((e as unknown as { expect: string }).expect).toMatch(/^[a-z_]+$/);
    expect(e.message).toContain(`position ${position}`);
  });

  it('refuses very long or very deep filters', () => {
    expect(syntaxError('a = 1 and '.repeat(500) + 'a = 1').message).toContain('limit is 4000');
    expect(syntaxError('('.repeat(60) + 'a = 1' + ')'.repeat(60)).expected).toContain('at most 50 levels');
  });

  it('lists the fields a filter uses', () => {
    expect(fieldsOf(parseSegment('age > 1 and (city = "x" or not age < 5) and tag:vip'))).toEqual(['age', 'city']);
  });
});
