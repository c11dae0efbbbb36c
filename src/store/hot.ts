import type SQLite from 'better-sqlite3';
import type { Store } from './dialect.ts';

const caches = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/**
 * Runs synchronous better-sqlite3 work while holding Kysely's one SQLite connection, so it never interleaves
 * with a Kysely transaction; `fn` runs inside a SQLite transaction. For the hot path (claim, submit, receipt).
 */
export async function withSqlite<T>(store: Store, fn: (prepare: (sql: string) => SQLite.Statement) => T): Promise<T> {
  const sqlite = store.sqlite!;
  const prepare = (text: string) => statement(sqlite, text);
  return store.db.connection().execute(async () => sqlite.transaction(() => fn(prepare))());
}

/** Statements kept per connection; the least recently used one goes first (lists of varying length make many texts). */
const cacheSize = 500;

/**
 * A statement prepared once per connection. Use it directly only inside a Kysely transaction on the same
 * SQLite handle (which already holds the one connection); elsewhere go through withSqlite.
 */
export function statement(sqlite: SQLite.Database, text: string): SQLite.Statement {
  let cache = caches.get(sqlite);
  if (!cache) caches.set(sqlite, cache = new Map());
  let s = cache.get(text);
  if (s) {
    cache.delete(text); // a Map keeps insertion order: re-inserting marks it as the most recently used
  } else {
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    s = sqlite.prepare(text);
  }
  cache.set(text, s);
  return s;
}

/** `?, ?, …` with n placeholders (SQLite) or `$k, …` (Postgres, starting at `from`). */
export function placeholders(n: number, dialect: 'sqlite' | 'postgres', from = 1): string {
  return Array.from({ length: n }, (_, i) => (dialect === 'sqlite' ? '?' : `$${from + i}`)).join(', ');
}

/** Statement texts run as PostgreSQL prepared statements, by the name each is prepared under. */
const named = new Map<string, string>();

/**
 * Registers a PostgreSQL statement of the hot path as a prepared statement: every connection of the pool parses and
 * plans it once, then runs it with parameters only (no text sent, no parse). Returns the text. Only for texts of a
 * fixed shape (unnest or `any` over arrays, never a list of placeholders of varying length).
 */
export function prepared(text: string): string {
  if (!named.has(text)) named.set(text, `tidings_hot_${named.size + 1}`);
  return text;
}

/** The name a registered statement text is prepared under (undefined for any other text). */
export function preparedName(text: string): string | undefined {
  return named.get(text);
}
