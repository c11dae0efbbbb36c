import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { coerceField, suppressionHash, type FieldType, type FieldValue } from '../../domain/contacts.ts';
import { DomainError } from '../../domain/errors.ts';
import { emptyRecord } from '../../domain/records.ts';
import { prepareContactBatch, type ContactBatch, type ImportedContact } from '../../store/repos/contacts.ts';
import type { ImportReject } from '../../store/repos/imports.ts';
import type { ColumnMapping } from './columns.ts';
import { readRows, type Cell, type SourceInfo, type SourceRow } from './reader.ts';
import { NumberSet } from './number-set.ts';

/** What reading an import needs to know beyond the file, decided from its first rows; plain data, so it can cross to a thread. */
export interface RowPlan {
  tenantId: string;
  mapping: ColumnMapping;
  /** Custom field columns; `json` is the key as JSON text with its colon (`"城市":`), for writing rows' fields. */
  fields: { index: number; key: string; type: FieldType; json: string }[];
  /** Whether the field keys are distinct, so fields can be written as JSON text directly (else later keys win, via an object). */
  distinctKeys: boolean;
  country: CountryCode | undefined;
  delimiter: string;
  /** Hashes of numbers erased at their owner's request: such rows are rejected, never re-added. */
  erased: Set<string>;
}

/** The counters the reading side keeps: rows seen, duplicates inside the file, invalid rows. */
export interface ReadCounts { total: number; duplicates: number; invalid: number }

/** The end of a run of batches: the run's rejected rows, the counts so far (from the job's start) and the last line covered. */
export interface RunEnd { rejects: ImportReject[]; counts: ReadCounts; lastLine: number }

/**
 * Contacts ready to write. Batches come in runs whose contacts are sorted together (see BatchPreparer); the last
 * batch of a run carries its end, the only point where the job may checkpoint and commit.
 */
export interface PreparedBatch { contacts: ContactBatch; end: RunEnd | null }

/**
 * Where reading starts: the file, what was learnt about it, the line a resumed job already finished and its counts
 * then; contacts per batch and per run.
 */
export interface ReadStart { path: string; info: SourceInfo; cursorLine: number; counts: ReadCounts; batchRows: number; runRows: number }

/** Cuts a prepared batch into batches of at most `size` contacts, in order; new attributions go with the first. */
function cut(c: ContactBatch, size: number): ContactBatch[] {
  const parts: ContactBatch[] = [];
  for (let at = 0; at === 0 || at < c.phones.length; at += size) {
    const slice = <T>(a: T[]) => a.slice(at, at + size);
    parts.push({ phones: slice(c.phones), names: slice(c.names), fields: slice(c.fields), keys: slice(c.keys),
      attributions: at === 0 ? c.attributions : [] });
  }
  return parts;
}

function text(c: Cell | undefined): string {
  return c === null || c === undefined ? '' : String(c);
}

/**
 * Turns source rows into prepared batches: normalises numbers, rejects bad rows with their reason, drops numbers
 * seen earlier in the file and builds each contact's fields. Every `runRows` contacts (or `batchRows` rejects) make a
 * run: prepared (sorted by number) together, then handed over in batches of `batchRows`. The sort is what makes a
 * run cheap to write: its inserts sweep the randomly-filled (tenant, phone) index once, in order, instead of jumping
 * about it, while batches stay small in memory and in messages between threads. Rows up to the resumed job's cursor
 * only feed the duplicate check.
 */
export class BatchPreparer {
  /** Numbers seen so far, as numbers (E.164 has at most 15 digits): compact, and holding no slices of the file's text. */
  private readonly seen = new NumberSet(1 << 16);
  private pending: ImportedContact[] = [];
  private rejects: ImportReject[] = [];
  private lastLine: number;
  private readonly counts: ReadCounts;
  /** counts.total when the last run ended. */
  private takenAt: number;
  /** Attribution keys already handed over in a batch. */
  private readonly attributions = new Set<string>();

  constructor(private readonly plan: RowPlan, private readonly start: ReadStart) {
    this.counts = { ...start.counts };
    this.lastLine = start.cursorLine;
    this.takenAt = start.counts.total;
  }

  private reject(row: SourceRow, reason: string, detail: string): void {
    this.counts.invalid++;
    this.rejects.push({ line: row.line, reason, detail, raw: row.cells.map(text).join(this.plan.delimiter).slice(0, 1000) });
  }

  /** Takes the next source rows, appending the batches that filled up to `out`. */
  rows(batch: SourceRow[], out: PreparedBatch[]): void {
    const { mapping, country, tenantId, erased } = this.plan;
    const { cursorLine: cursor, batchRows, runRows } = this.start;
    for (const row of batch) {
      // a run also ends after this many lines (a file of duplicates adds no contacts), so the job's checkpoint and
      // lease renewal never wait for the whole file
      if (this.counts.total - this.takenAt >= 4 * runRows) this.take(out);
      if (row.line === mapping.headerLine) continue;
      const done = row.line <= cursor;
      if (row.error) {
        if (!done) { this.counts.total++; this.reject(row, 'unreadable', row.error); this.lastLine = row.line; }
        continue;
      }
      const phone = normalizePhone(row.cells[mapping.phone] as string | number | null, country);
      if (!phone.ok) {
        if (!done) { this.counts.total++; this.reject(row, phone.reason, phone.detail); this.lastLine = row.line; }
        continue;
      }
      const known = !this.seen.add(Number(phone.e164.slice(1)));
      if (done) continue;
      this.counts.total++;
      this.lastLine = row.line;
      if (known) { this.counts.duplicates++; continue; }
      if (erased.size > 0 && erased.has(suppressionHash(tenantId, phone.e164))) {
        this.reject(row, 'erased', `${phone.e164} was erased at the subject's request and may not be imported again`);
        continue;
      }
      const name = mapping.name === null ? '' : text(row.cells[mapping.name]).trim().slice(0, 200);
      this.pending.push({ phone: phone.e164, name: name || null, fields: this.fieldsJson(row.cells) });
      if (this.pending.length >= runRows) this.take(out);
    }
    if (this.rejects.length >= batchRows) this.take(out);
  }

  /** Appends the rows taken since the last run as a run (possibly of one empty batch: the end of the file still moves the checkpoint). */
  take(out: PreparedBatch[]): void {
    const parts = cut(prepareContactBatch(this.pending, this.attributions), this.start.batchRows);
    parts.forEach((contacts, i) => out.push({
      contacts, end: i < parts.length - 1 ? null : { rejects: this.rejects, counts: { ...this.counts }, lastLine: this.lastLine },
    }));
    this.pending = [];
    this.rejects = [];
    this.takenAt = this.counts.total;
  }

  /** The row's custom fields as JSON text (empty values left out), written directly rather than through an object per row. */
  private fieldsJson(cells: Cell[]): string {
    const { fields, distinctKeys } = this.plan;
    if (!distinctKeys) {
      const values = emptyRecord<FieldValue>();
      for (const f of fields) {
        const v = coerceField(f.type, cells[f.index]);
        if (v !== null) values[f.key] = v;
      }
      return JSON.stringify(values);
    }
    // Joined from parts rather than concatenated: one flat string, where `+=` leaves a tree of pieces that a run
    // of pending rows would keep alive.
    const parts: string[] = [];
    for (const f of fields) {
      const v = coerceField(f.type, cells[f.index]);
      if (v === null) continue;
      parts.push(parts.length === 0 ? '{' : ',', f.json,
        typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' && !Number.isFinite(v) ? 'null' : String(v));
    }
    if (parts.length === 0) return '{}';
    parts.push('}');
    return parts.join('');
  }
}

/** How many first rows the plan is made from. */
export const sampleRows = 500;

/**
 * Reads a file into prepared batches, ending with a run that covers the rest of the file. `planFor` is asked, once,
 * for the plan given the first rows; an empty file is an error.
 */
export async function* preparedBatches(start: ReadStart, planFor: (sample: SourceRow[]) => Promise<RowPlan>): AsyncGenerator<PreparedBatch> {
  const rows = readRows(start.path, start.info);
  const first = await rows.next();
  if (first.done) throw new DomainError('invalid_request', 'the file is empty');
  const preparer = new BatchPreparer(await planFor(first.value.slice(0, sampleRows)), start);
  const out: PreparedBatch[] = [];
  preparer.rows(first.value, out);
  yield* out.splice(0);
  for await (const batch of rows) {
    preparer.rows(batch, out);
    yield* out.splice(0);
  }
  preparer.take(out);
  yield* out;
}
