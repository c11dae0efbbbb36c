// A transaction that code written for a whole database can run in: its own transactions become savepoints, so a
// batch of work commits once while each piece of it still rolls back alone.
import { sql, type Kysely, type Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Database } from './database.ts';
import { statement } from './hot.ts';

/**
 * Runs `fn` inside a savepoint of `trx`: its writes are undone alone when it throws (the error goes on). Given the
 * SQLite handle `trx` runs on, the savepoint statements are prepared once instead of going through Kysely each time.
 */
export async function savepoint<T>(trx: Transaction<Database>, name: string, fn: () => Promise<T>, sqlite?: SQLite.Database): Promise<T> {
  const run = sqlite ? async (text: string) => { statement(sqlite, text).run(); } : async (text: string) => { await sql.raw(text).execute(trx); };
  await run(`savepoint ${name}`);
  try {
    const result = await fn();
    await run(`release savepoint ${name}`);
    return result;
  } catch (e) {
    await run(`rollback to savepoint ${name}`);
    await run(`release savepoint ${name}`);
    throw e;
  }
}

/**
 * A database handle over an open transaction: `transaction().execute(fn)` runs `fn` in a savepoint of it, and
 * `connection().execute(fn)` runs `fn` on it (the transaction already holds the connection).
 */
export function nestable(trx: Transaction<Database>): Kysely<Database> {
  let depth = 0;
  const handle: Kysely<Database> = new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction') {
        // named by nesting level, so the statement texts repeat (each text is prepared once) however many run
        return () => ({
          execute: async <T>(fn: (t: Kysely<Database>) => Promise<T>) => {
            try { return await savepoint(target, `nested_${++depth}`, () => fn(handle)); } finally { depth--; }
          },
        });
      }
      if (prop === 'connection') return () => ({ execute: <T>(fn: (t: Kysely<Database>) => Promise<T>) => fn(handle) });
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Kysely<Database>;
  return handle;
}
