import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { inspectSource, readRows, type SourceRow } from './reader.ts';
import { detectEncoding } from './encoding.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'tidings-reader-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function file(name: string, content: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, maxBytes = 1 << 30): Promise<{ rows: SourceRow[]; info: Awaited<ReturnType<typeof inspectSource>> }> {
  const info = await inspectSource(path, maxBytes);
  const rows: SourceRow[] = [];
  for await (const batch of readRows(path, info)) rows.push(...batch);
  return { rows, info };
}

const text = '手机号码,姓名,城市\r\n13800138000,王五,北京\r\n"139 0013 9000","李""四""",上海\r\n';
const expected = [
  { line: 1, cells: ['手机号码', '姓名', '城市'] },
  { line: 2, cells: ['13800138000', '王五', '北京'] },
  { line: 3, cells: ['139 0013 9000', '李"四"', '上海'] },
];
const utf16be = (s: string) => Buffer.from(iconv.encode(s, 'utf16-be'));

describe('reading import files', () => {
  it.each([
    ['UTF-8', Buffer.from(text), 'utf8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf8'],
    ['GBK', iconv.encode(text, 'gbk'), 'gb18030'],
    ['GB18030', iconv.encode(text, 'gb18030'), 'gb18030'],
    ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf16le'],
    ['UTF-16 LE without BOM', Buffer.from(text, 'utf16le'), 'utf16le'],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]), 'utf16be'],
    ['UTF-16 BE without BOM', utf16be(text), 'utf16be'],
  ])('decodes %s', async (name, content, encoding) => {
    const { rows, info } = await readAll(await file(`${name}.csv`, content));
    expect(info).toMatchObject({ format: 'csv', encoding, delimiter: ',' });
    expect(rows).toEqual(expected);
  });

  it('reads semicolon, tab and pipe files', async () => {
    for (const d of [';', '\t', '|']) {
      const { rows } = await readAll(await file('d.csv', Buffer.from(`phone${d}name\n138${d}A\n`)));
      expect(rows).toEqual([{ line: 1, cells: ['phone', 'name'] }, { line: 2, cells: ['138', 'A'] }]);
    }
  });

  it('decodes GBK that spans read chunks', async () => {
    const body = Array.from({ length: 60_000 }, (_, i) => `138${String(i).padStart(8, '0')},张三丰${i},广东省深圳市`).join('\n');
    const { rows, info } = await readAll(await file('big-gbk.csv', iconv.encode(body, 'gbk')));
    expect(info.encoding).toBe('gb18030');
    expect(rows).toHaveLength(60_000);
    expect(rows[59_999]).toEqual({ line: 60_000, cells: ['13800059999', '张三丰59999', '广东省深圳市'] });
    expect(rows.every((r) => r.cells[2] === '广东省深圳市')).toBe(true);
  });

  it('skips blank rows, keeps ragged ones, and reports an unclosed quote after the good rows', async () => {
    const { rows } = await readAll(await file('bad.csv', Buffer.from('a,b\n,,\n1\n2,3,4\n5,"never closed\n6,7\n')));
    expect(rows.slice(0, 3)).toEqual([{ line: 1, cells: ['a', 'b'] }, { line: 3, cells: ['1'] }, { line: 4, cells: ['2', '3', '4'] }]);
    expect(rows[3].error).toContain('opened on line 5 is never closed');
  });

  it('reads an empty file as no rows', async () => {
    expect((await readAll(await file('empty.csv', Buffer.alloc(0)))).rows).toEqual([]);
    expect((await readAll(await file('bom.csv', Buffer.from([0xef, 0xbb, 0xbf])))).rows).toEqual([]);
  });

  it('refuses a file over the limit, naming the limit', async () => {
    const path = await file('big.csv', Buffer.alloc(3 << 20, 0x31));
    await expect(inspectSource(path, 2 << 20)).rejects.toMatchObject({ code: 'payload_too_large', message: 'the file is 3.0 MB; the limit is 2.0 MB' });
  });

  it('refuses legacy .xls files', async () => {
    const path = await file('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    await expect(inspectSource(path, 1 << 20)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('reads XLSX with Chinese names, numbers, formulas and dates from the first sheet', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('联系人');
    ws.addRow(['手机', '姓名', '生日', '积分']);
    ws.addRow([13800138000, '王五', new Date(Date.UTC(1990, 4, 17)), { formula: 'SUM(1,2)', result: 3 }]);
    ws.addRow(['+86 139-0013-9000', { richText: [{ text: '李' }, { text: '四' }] }, null, { formula: 'CMD|"/c calc"!A1' }]);
    ws.addRow([]);
    ws.addRow(['13700137000', '=HYPERLINK("http://evil")', true, 1.5]);
    wb.addWorksheet('other').addRow(['ignored']);
    const path = join(dir, 'contacts.xlsx');
    await wb.xlsx.writeFile(path);
    const { rows, info } = await readAll(path);
    expect(info.format).toBe('xlsx');
    expect(rows).toEqual([
      { line: 1, cells: ['手机', '姓名', '生日', '积分'] },
      { line: 2, cells: [13800138000, '王五', '1990-05-17', 3] },
      { line: 3, cells: ['+86 139-0013-9000', '李四', null, null] },
      { line: 5, cells: ['13700137000', '=HYPERLINK("http://evil")', true, 1.5] },
    ]);
  });

  it('tells UTF-8 from GBK by validity', () => {
    expect(detectEncoding(Buffer.from('abc'))).toBe('utf8');
    expect(detectEncoding(iconv.encode('王五', 'gbk'))).toBe('gb18030');
    expect(detectEncoding(Buffer.from('王五').subarray(0, 4))).toBe('utf8');
  });
});
