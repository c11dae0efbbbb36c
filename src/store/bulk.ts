import { CompiledQuery } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Db } from './database.ts';
import type { DialectName, Store } from './dialect.ts';
import { statement } from './hot.ts';

// The import hot path: statements whose text is built once per shape (placeholders only; values are always
// parameters) and, on SQLite, prepared once and reused, since building and preparing a multi-row statement
// through the query builder costs more than running it.

/** Where bulk statements run: a handle or transaction, its dialect, and on SQLite the raw connection beneath it. */
export interface BulkTarget { db: Db; dialect: DialectName; sqlite?: SQLite.Database }

/** The bulk target of a store over `db`: a transaction of the store (or a handle bound to one), else the store's own handle. */
export function bulkOn(store: Pick<Store, 'db' | 'dialect' | 'sqlite'>, db: Db = store.db): BulkTarget {
  return { db, dialect: store.dialect, sqlite: store.sqlite };
}

/** Values of one row, in the order of the columns given. */
export type RowValues = (string | number | null)[];

const texts = new Map<string, string>();

/** The text of a statement of one shape (`key`), built once and remembered (bounded). */
export function statementText(key: string, build: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    if (texts.size > 500) texts.clear();
    text = build();
    texts.set(key, text);
  }
  return text;
}

function pgQuery(text: string, params: readonly unknown[]): CompiledQuery {
  const pgText = statementText(`pg|${text}`, () => { let n = 0; return text.replace(/\?/g, () => `$${++n}`); });
  return CompiledQuery.raw(pgText, params as unknown[]);
}

/** Runs a statement written with `?` placeholders (numbered for PostgreSQL) and returns its rows. */
export async function runStatement<R>(t: BulkTarget, text: string, params: unknown[]): Promise<R[]> {
  if (t.sqlite) {
    const stmt = statement(t.sqlite, text);
    return stmt.reader ? (stmt.all(params) as R[]) : (stmt.run(params), []);
  }
  return (await t.db.executeQuery<R>(pgQuery(text, params))).rows;
}

/** Runs a statement that returns no rows (insert, update, delete) and answers how many rows it changed. */
export async function runWrite(t: BulkTarget, text: string, params: readonly unknown[]): Promise<number> {
  if (t.sqlite) return statement(t.sqlite, text).run(params).changes;
  return Number((await t.db.executeQuery(pgQuery(text, params))).numAffectedRows ?? 0);
}

/** A list of `n` placeholders for an `in (…)` clause. */
export function placeholderList(n: number): string {
  return statementText(`in|${n}`, () => new Array(n).fill('?').join(','));
}

/**
 * The items in chunks of at most `max` (a power of two), each padded to a power of two with its own first item: an
 * `in (…)` list ignores repeats, so a handful of statement shapes (each prepared once) serve lists of any length.
 */
export function paddedChunks<T>(items: readonly T[], max = 512): T[][] {
  const chunks: T[][] = [];
  for (let at = 0; at < items.length; at += max) {
    const chunk = items.slice(at, at + max);
    while (chunk.length & (chunk.length - 1)) chunk.push(chunk[0]);
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Inserts many rows with multi-row `insert … values (…),(…)`, skipping rows that hit `conflict` when it is given;
 * on SQLite through statements prepared once on the raw connection. With `returning`, answers those columns of the
 * rows actually inserted (with `conflict`, the skipped ones are missing).
 */
export async function insertRows<R = never>(t: BulkTarget, table: string, columns: readonly string[], rows: RowValues[],
  conflict?: readonly string[], returning?: readonly string[]): Promise<R[]> {
  return writeRows<R>(t, table, columns, rows, conflict ? ` on conflict (${conflict.join(', ')}) do nothing` : '', returning);
}

/**
 * Inserts many rows as `insertRows` does; a row whose `key` exists replaces that row's `update` columns instead. The
 * rows of one call should not repeat a key (PostgreSQL refuses to change a row twice in one statement).
 */
export async function upsertRows(t: BulkTarget, table: string, columns: readonly string[], rows: RowValues[], key: readonly string[], update: readonly string[]): Promise<void> {
  await writeRows(t, table, columns, rows, ` on conflict (${key.join(', ')}) do update set ${update.map((c) => `${c} = excluded.${c}`).join(', ')}`);
}

async function writeRows<R>(t: BulkTarget, table: string, columns: readonly string[], rows: RowValues[], onConflict: string, returning?: readonly string[]): Promise<R[]> {
  const out: R[] = [];
  for (const [at, size] of chunks(rows.length, 8000 / columns.length)) {
    const text = statementText(`${table}|${columns.join(',')}|${size}|${onConflict}|${returning?.join(',') ?? ''}`, () => {
      const row = `(${new Array(columns.length).fill('?').join(',')})`;
      return `insert into ${table} (${columns.join(', ')}) values ${new Array(size).fill(row).join(',')}${onConflict}`
        + (returning ? ` returning ${returning.join(', ')}` : '');
    });
    const params: unknown[] = [];
    for (let r = at; r < at + size; r++) for (const v of rows[r]) params.push(v);
    const result = await runStatement<R>(t, text, params);
    for (const r of result) out.push(r);
  }
  return out;
}

/**
 * Splits `total` rows into chunks of the largest power of two up to `most`, then powers of two for the rest (a
 * handful of statement shapes per table, each prepared once): yields [first row, rows].
 */
export function* chunks(total: number, most: number): Generator<[number, number]> {
  const full = 1 << Math.floor(Math.log2(Math.max(1, most)));
  for (let at = 0; at < total;) {
    let size = full;
    while (size > total - at) size >>= 1;
    yield [at, size];
    at += size;
  }
}
