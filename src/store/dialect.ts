import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { preparedName, statement } from './hot.ts';
import { startCheckpoints, writerCheckpointPages, type Checkpoints } from './checkpoints.ts';

/** Which SQL engine a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** An open store: the Kysely handle, its dialect, and the raw SQLite handle for hot-path prepared statements. */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  sqlite?: SQLite.Database;
  /** SQLite in a file: the thread that checkpoints its WAL. */
  checkpoints?: Checkpoints;
  close(): Promise<void>;
}

/** Where a store is: a SQLite file (its WAL checkpointed on a thread of its own unless `checkpointThread` is false), or PostgreSQL. */
export type StoreTarget = { dialect: 'sqlite'; file: string; checkpointThread?: boolean } | { dialect: 'postgres'; url: string };

/** Opens SQLite at `file` with WAL, a busy timeout and foreign keys (and, in a file, its checkpoint thread). */
export function openSqlite(file: string, opts: { checkpointThread?: boolean } = {}): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  // 16 KB pages (applies to a new file): a commit writes each dirty page to the WAL with system calls of its own, and
  // a batch of messages makes a quarter as many of them as with the default 4 KB
  sqlite.pragma('page_size = 16384');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  // The hot path touches a few index pages per message: a 32 MB page cache (default 2 MB) keeps them in memory. A file's
  // WAL is checkpointed on a thread of its own (checkpoints.ts); the writer checkpoints by itself only past a long WAL.
  // In memory, or without the thread, the writer does it every 1024 pages (16 MB of WAL with 16 KB pages), which copies
  // a page rewritten many times over only once.
  sqlite.pragma('cache_size = -32768');
  const checkpoints = file !== ':memory:' && opts.checkpointThread !== false ? startCheckpoints(path.resolve(file)) : undefined;
  sqlite.pragma(`wal_autocheckpoint = ${checkpoints ? writerCheckpointPages : 1024}`);
  // Kysely's driver prepares every query anew; through the statement cache each text is prepared once (one
  // connection behind a mutex, so a cached statement is never run twice at a time)
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: { prepare: (text: string) => statement(sqlite, text), close: () => sqlite.close() } }) });
  return {
    db, dialect: 'sqlite', sqlite, checkpoints,
    async close() {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

const int8 = 20;
const numeric = 1700;

/** A connection that runs the hot path's registered statement texts (hot.ts `prepared`) as named prepared statements. */
class PreparingClient extends pg.Client {
  // pg's overloads do not survive an override: the arguments pass through unchanged unless the text is registered
  override query(...args: unknown[]): never {
    const [text, values] = args;
    const name = typeof text === 'string' && Array.isArray(values) && args.length === 2 ? preparedName(text) : undefined;
    const query = super.query as (...a: unknown[]) => never;
    return name ? query.call(this, { name, text, values }) : query.apply(this, args);
  }
}

/** Opens a PostgreSQL pool; int8 values come back as numbers when exact and as strings otherwise. */
export function openPostgres(url: string, max = 10): Store {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === int8 || oid === numeric) return (v: string) => {
          const n = Number(v);
          return Number.isSafeInteger(n) ? n : v;
        };
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client lost to a server restart or failover must not crash the process: the pool replaces it.
  pool.on('error', (err) => process.emitWarning(`PostgreSQL idle connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Opens the store a configuration points at. */
export function openStore(target: StoreTarget): Store {
  return target.dialect === 'sqlite' ? openSqlite(target.file, target) : openPostgres(target.url);
}
