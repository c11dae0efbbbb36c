import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** Resolves when the stream can take more, or has closed (a client that went away never drains). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { stream.off('drain', done); stream.off('close', done); resolve(); };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/**
 * Streams rows to the client as CSV (UTF-8 with BOM, so Excel shows Chinese right) or XLSX, page by page;
 * every text cell passes through safeCell. A failure while streaming (a bad value, the database, the client
 * going away) ends this response only: the pages stop being read and the error reaches Fastify's stream handling.
 */
export async function sendTable<T>(reply: FastifyReply, format: 'csv' | 'xlsx', filename: string, columns: ExportColumn<T>[], pages: AsyncIterable<T[]>): Promise<FastifyReply> {
  const out = new PassThrough();
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  reply.header('content-disposition', `attachment; filename="${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(filename)}.${format}`);
  async function* rows(): AsyncGenerator<(string | number | null)[]> {
    for await (const page of pages) for (const row of page) yield columns.map((c) => safeCell(c.value(row)));
  }
  if (format === 'csv') {
    reply.type('text/csv; charset=utf-8');
    out.write('\ufeff');
    // pipeline destroys every stage when one fails or the client closes `out`, so no error is left unheard.
    pipeline(Readable.from(rows()), stringify({ header: true, columns: columns.map((c) => c.header) }), out).catch(() => { /* reported through `out` */ });
  } else {
    reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const sheet = book.addWorksheet(filename.slice(0, 31));
    sheet.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
    void (async () => {
      try {
        for await (const cells of rows()) {
          if (out.destroyed) return;
          sheet.addRow(cells).commit();
          if (out.writableNeedDrain) await drained(out);
        }
        sheet.commit();
        await book.commit();
      } catch (err) { out.destroy(err as Error); }
    })();
  }
  return reply.send(out);
}
