import { describe, expect, it } from 'vitest';
import { KeywordIndex, splitKeyword, tenantScope } from './matching.ts';

describe('service keyword matching', () => {
  it('takes a CJK keyword as a prefix without a space, with full-width digits as digits', () => {
    expect(splitKeyword('查询123', ['查询'])).toEqual({ keyword: '查询', arg: '123' });
    expect(splitKeyword('查询 １２３', ['查询'])).toEqual({ keyword: '查询', arg: '123' });
    expect(splitKeyword('  查询：A-1 ', ['查询'])).toEqual({ keyword: '查询', arg: 'A-1' });
  });
  it('is case- and width-insensitive and keeps a Latin keyword at a word boundary', () => {
    expect(splitKeyword('ｃｘ 12', ['CX'])).toEqual({ keyword: 'CX', arg: '12' });
    expect(splitKeyword('cx12', ['CX'])).toEqual({ keyword: 'CX', arg: '12' });
    expect(splitKeyword('CX A', ['CX'])).toEqual({ keyword: 'CX', arg: 'A' });
    expect(splitKeyword('CXY', ['CX'])).toBeNull();
    expect(splitKeyword('hello', ['CX'])).toBeNull();
  });
  it('prefers the longest keyword', () => {
    expect(splitKeyword('查询订单5', ['查询', '查询订单'])).toEqual({ keyword: '查询订单', arg: '5' });
  });
  it('looks on the longest address scope first, then the tenant, then a service owning the address', () => {
    const idx = new KeywordIndex([
      { scope: tenantScope('t1'), keyword: '查询', serviceId: 'wide' },
      { scope: '1069000255', keyword: '查询', serviceId: 'numbered' },
      { scope: '10690002558', keyword: '', serviceId: 'team' },
    ]);
    expect(idx.match('查询1', '1069000255', 't1')?.serviceId).toBe('numbered');
    expect(idx.match('查询1', '1069000266', 't1')?.serviceId).toBe('wide');
    expect(idx.match('查询1', '10690002558', 't1')?.serviceId).toBe('numbered');
    expect(idx.match('hello', '10690002558', 't1')).toEqual({ serviceId: 'team', keyword: '', arg: 'hello' });
    expect(idx.match('hello', '1069000255', 't1')).toBeNull();
    expect(idx.match('查询1', '1069000255', 't1', (id) => id === 'numbered')?.serviceId).toBe('wide');
  });
});
