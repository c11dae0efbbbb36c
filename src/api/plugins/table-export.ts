import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';

/** A column of an exported table: its header and how to read it from a row. */
export interface ExportColumn<T> { header: string; value: (row: T) => string | number | null }

/** Neutralises spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a leading apostrophe. */
export function safeCell(v: string | number | null): string | number | null {
  if (typeof v !== 'string') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/**
 * Streams rows to the client as CSV (UTF-8 with BOM, so Excel shows Chinese right) or XLSX, page by page;
 * every text cell passes through safeCell.
 */
export async function sendTable<T>(reply: FastifyReply, format: 'csv' | 'xlsx', filename: string, columns: ExportColumn<T>[], pages: AsyncIterable<T[]>): Promise<FastifyReply> {
  const out = new PassThrough();
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  reply.header('content-disposition', `attachment; filename="${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(filename)}.${format}`);
  if (format === 'csv') {
    reply.type('text/csv; charset=utf-8');
    out.write('\ufeff');
    const csv = stringify({ header: true, columns: columns.map((c) => c.header) });
    csv.pipe(out);
    void (async () => {
      try {
        for await (const page of pages) for (const row of page) if (!csv.write(columns.map((c) => safeCell(c.value(row))))) await new Promise((r) => csv.once('drain', r));
        csv.end();
      } catch (err) { out.destroy(err as Error); }
    })();
  } else {
    reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const sheet = book.addWorksheet(filename.slice(0, 31));
    sheet.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
    void (async () => {
      try {
        for await (const page of pages) for (const row of page) sheet.addRow(columns.map((c) => safeCell(c.value(row)))).commit();
        sheet.commit();
        await book.commit();
      } catch (err) { out.destroy(err as Error); }
    })();
  }
  return reply.send(out);
}
