import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';

/**
 * A column of an exported table: its header, how to read it from a row, and what it holds: text (the default),
 * a time (an ISO instant: shown in the tenant's zone, an Excel date in XLSX) or money (minor units: shown in
 * major units of the currency, a number in XLSX, the currency in the header).
 */
export interface ExportColumn<T> { header: string; value: (row: T) => string | number | null; kind?: 'text' | 'time' | 'money' }

/** How times and money of a table are shown. */
export interface TableOptions { zone: string; currency: string }

type Cell = string | number | Date | null;

/** An amount in minor units (fen) as a decimal string in major units (yuan): exact, never through a float. */
export function majorUnits(minor: string | number | bigint): string {
  const n = BigInt(minor);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function cellOf(kind: ExportColumn<unknown>['kind'], v: string | number | null, format: 'csv' | 'xlsx', zone: string): Cell {
  if (v === null || v === '') return null;
  if (kind === 'time' && typeof v === 'string') {
    const local = DateTime.fromISO(v, { zone: 'utc' }).setZone(zone);
    if (!local.isValid) return v;
    // Excel dates carry no zone: the cell holds the tenant's wall-clock time.
    return format === 'csv' ? local.toFormat('yyyy-MM-dd HH:mm:ss') : new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
  }
  if (kind === 'money') return format === 'csv' ? majorUnits(v) : Number(majorUnits(v));
  // XLSX cells are typed: text is never run as a formula there, so only CSV needs the apostrophe.
  return format === 'csv' ? safeCell(v) : v;
}

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
 * every CSV text cell passes through safeCell. A failure while streaming (a bad value, the database, the client
 * going away) ends this response only: the pages stop being read and the error reaches Fastify's stream handling.
 */
export async function sendTable<T>(reply: FastifyReply, format: 'csv' | 'xlsx', filename: string, columns: ExportColumn<T>[], pages: AsyncIterable<T[]>,
  options: TableOptions = { zone: 'UTC', currency: 'CNY' }): Promise<FastifyReply> {
  const out = new PassThrough();
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  reply.header('content-disposition', `attachment; filename="${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(filename)}.${format}`);
  const headers = columns.map((c) => (c.kind === 'money' ? `${c.header} (${options.currency})` : c.header));
  async function* rows(): AsyncGenerator<Cell[]> {
    for await (const page of pages) for (const row of page) yield columns.map((c) => cellOf(c.kind, c.value(row), format, options.zone));
  }
  if (format === 'csv') {
    reply.type('text/csv; charset=utf-8');
    out.write('\ufeff');
    // pipeline destroys every stage when one fails or the client closes `out`, so no error is left unheard.
    pipeline(Readable.from(rows()), stringify({ header: true, columns: headers }), out).catch(() => { /* reported through `out` */ });
  } else {
    reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
    const sheet = book.addWorksheet(filename.slice(0, 31));
    const numFmt = { time: 'yyyy-mm-dd hh:mm:ss', money: '0.00', text: undefined };
    sheet.columns = columns.map((c, i) => ({
      header: headers[i], width: c.kind === 'time' ? 20 : Math.max(12, headers[i].length * 2 + 2), style: { numFmt: numFmt[c.kind ?? 'text'] },
    }));
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
