import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { DomainError } from '../../domain/errors.ts';
import { chunkDecoder, detectEncoding, encodingSampleBytes, type TextEncoding } from './encoding.ts';
import { CsvParser, detectDelimiter, type CsvRecord } from './csv.ts';

/** A cell as read from a file: text from CSV; text, number or boolean from XLSX (dates as ISO text). */
export type Cell = string | number | boolean | null;

/** One row of the source file with its 1-based line (CSV) or row number (XLSX); `error` marks an unreadable row. */
export interface SourceRow {
  line: number;
  cells: Cell[];
  error?: string;
}

/** The file formats an import accepts. */
export type SourceFormat = 'csv' | 'xlsx';

/** What was learnt about a file before its rows are read. */
export interface SourceInfo {
  format: SourceFormat;
  encoding: TextEncoding | null;
  delimiter: string | null;
  bytes: number;
}

const CHUNK = 1 << 18;

/** A byte count for people: '512 bytes', '4.0 KB', '3.5 MB', '200 MB'. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1 << 20)).toFixed(n < 10 << 20 ? 1 : 0)} MB`;
}

async function head(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Looks at a file: refuses one over `maxBytes` (naming the limit) or in a legacy format; finds format, encoding, delimiter. */
export async function inspectSource(path: string, maxBytes: number): Promise<SourceInfo> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw new DomainError('payload_too_large', `the file is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}`,
      { bytes: size, limit: maxBytes });
  }
  const sample = await head(path, encodingSampleBytes);
  if (sample.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return { format: 'xlsx', encoding: null, delimiter: null, bytes: size };
  }
  if (sample.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new DomainError('invalid_request', 'legacy .xls files are not supported; save the sheet as .xlsx or CSV');
  }
  const encoding = detectEncoding(sample);
  const decoder = chunkDecoder(encoding);
  const text = decoder.write(sample.subarray(0, 64 * 1024));
  return { format: 'csv', encoding, delimiter: detectDelimiter(text), bytes: size };
}

function isBlank(cells: Cell[]): boolean {
  return cells.every((c) => c === null || c === '' || (typeof c === 'string' && c.trim() === ''));
}

async function* readCsv(path: string, info: SourceInfo): AsyncGenerator<SourceRow[]> {
  const decoder = chunkDecoder(info.encoding ?? 'utf8');
  const parser = new CsvParser(info.delimiter ?? ',');
  const toRows = (records: CsvRecord[]): SourceRow[] => {
    const rows: SourceRow[] = [];
    for (const r of records) if (!isBlank(r.fields)) rows.push({ line: r.line, cells: r.fields });
    return rows;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    const out: CsvRecord[] = [];
    parser.push(decoder.write(chunk as Buffer), out);
    if (out.length > 0) yield toRows(out);
  }
  const out: CsvRecord[] = [];
  parser.push(decoder.end(), out);
  const error = parser.end(out);
  const rows = toRows(out);
  if (error) rows.push({ line: out.length > 0 ? out[out.length - 1].line + 1 : 1, cells: [], error });
  if (rows.length > 0) yield rows;
}

/** Converts an exceljs cell value to a plain cell: formulas give their cached result and are never evaluated. */
function xlsxCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return xlsxCell(o.result);
    if (Array.isArray(o.richText)) return o.richText.map((p: { text?: string }) => p.text ?? '').join('');
    if (typeof o.text === 'string') return o.text;
    if ('error' in o) return null;
  }
  return String(v);
}

async function* readXlsx(path: string): AsyncGenerator<SourceRow[]> {
  // Loaded only for XLSX files: exceljs costs ~20 MB of memory that CSV imports do not need.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      let batch: SourceRow[] = [];
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let c = 1; c < values.length; c++) cells.push(xlsxCell(values[c]));
        if (!isBlank(cells)) batch.push({ line: row.number, cells });
        if (batch.length >= 5000) { yield batch; batch = []; }
      }
      if (batch.length > 0) yield batch;
      return;
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('invalid_request', `the file is not a readable XLSX workbook (${(e as Error).message}); save it again from Excel as .xlsx, or as CSV`);
  }
}

/** The most columns an import takes: the phone, the name and custom fields (each column becomes a field). */
export const maxImportColumns = 500;

/** Refuses a file whose rows have more columns than an import takes, naming the count and the limit. */
export function checkColumnCount(columns: number): void {
  if (columns > maxImportColumns) {
    throw new DomainError('invalid_request', `the file has ${columns} columns; an import takes at most ${maxImportColumns} (the phone, the name and custom fields): remove the columns you do not need`,
      { columns, limit: maxImportColumns });
  }
}

/** Checks the first rows of a file (the header and a sample) against the column limit; stops reading there. */
export async function checkColumns(path: string, info: SourceInfo, rows = 50): Promise<void> {
  let seen = 0;
  for await (const batch of readRows(path, info)) {
    for (const row of batch) {
      checkColumnCount(row.cells.length);
      if (++seen >= rows) return;
    }
  }
}

/** Streams the rows of a CSV or XLSX file (the first worksheet) in batches, never holding the whole file. */
export function readRows(path: string, info: SourceInfo): AsyncGenerator<SourceRow[]> {
  return info.format === 'xlsx' ? readXlsx(path) : readCsv(path, info);
}
