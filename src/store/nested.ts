// A transaction that code written for a whole database can run in: its own transactions become savepoints, so a
// batch of work commits once while each piece of it still rolls back alone.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.ts';

/** Runs `fn` inside a savepoint of `trx`: its writes are undone alone when it throws (the error goes on). */
export async function savepoint<T>(trx: Transaction<Database>, name: string, fn: () => Promise<T>): Promise<T> {
  await sql.raw(`savepoint ${name}`).execute(trx);
  try {
    const result = await fn();
    await sql.raw(`release savepoint ${name}`).execute(trx);
    return result;
  } catch (e) {
    await sql.raw(`rollback to savepoint ${name}`).execute(trx);
    await sql.raw(`release savepoint ${name}`).execute(trx);
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
