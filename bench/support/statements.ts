// Counts the SQL statements a SQLite handle runs while a scenario runs (queries per message, which survive a busy machine).
import type SQLite from 'better-sqlite3';

/** Counts every run/get/all/iterate of the handle's statements from now on; stop() restores them and returns the count. */
export function countStatements(sqlite: SQLite.Database): { stop(): number } {
  const proto = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string, (...args: unknown[]) => unknown>;
  const methods = ['run', 'get', 'all', 'iterate'] as const;
  const originals = methods.map((m) => proto[m]);
  let n = 0;
  methods.forEach((m, i) => {
    const original = originals[i];
    proto[m] = function counted(this: unknown, ...args: unknown[]) { n++; return original.apply(this, args); };
  });
  return {
    stop() {
      methods.forEach((m, i) => { proto[m] = originals[i]; });
      return n;
    },
  };
}
