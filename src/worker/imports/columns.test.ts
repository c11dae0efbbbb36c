import { describe, it, expect } from 'vitest';
import { guessMapping } from './columns.ts';
import type { Cell } from './reader.ts';

const rows = (...r: Cell[][]) => r.map((cells, i) => ({ line: i + 1, cells }));

describe('guessMapping', () => {
  it.each([
    [['姓名', '手机号码', '城市']], [['客户名称', '联系电话', '城市']], [['名字', '电话', '城市']],
    [['Имя', 'Телефон', 'Город']], [['Name', 'Mobile', 'City']], [['name', 'MSISDN', 'city']], [['Full name', 'Phone number', 'city']],
  ])('maps headers %j', (header) => {
    const m = guessMapping(rows(header, ['王五', '13800138000', '北京']));
    expect(m).toEqual({ phone: 1, name: 0, fields: [{ index: 2, key: header[2] }], headerLine: 1 });
  });

  it('finds the phone column by its values when there is no header', () => {
    expect(guessMapping(rows(['王五', '138 0013 8000', 32], ['李四', 13900139000, 40]))).toEqual({
      phone: 1, name: null, fields: [{ index: 0, key: 'column1' }, { index: 2, key: 'column3' }], headerLine: null,
    });
  });

  it('treats an unknown header above phone-like values as a header', () => {
    expect(guessMapping(rows(['客户', 'tel no'], ['A', '13800138000']))).toMatchObject({ phone: 1, headerLine: 1 });
  });

  it('lets the user choose columns by header or index', () => {
    const data = rows(['a', 'b', 'c'], ['13800138000', '13900139000', 'x']);
    expect(guessMapping(data, { phone: 'B', name: 2 })).toMatchObject({ phone: 1, name: 2, fields: [{ index: 0, key: 'a' }] });
  });

  it('gives up when nothing looks like a phone', () => {
    expect(guessMapping(rows(['a', 'b'], ['x', 'y']))).toBeNull();
    expect(guessMapping([])).toBeNull();
  });
});
