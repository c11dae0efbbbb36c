// The planner's statistics of tables that changed a lot: PostgreSQL plans from the row counts its last ANALYZE saw,
// so an audience just imported (200,000 members where it saw none) is planned as a handful of rows and every page of
// the campaign reads the whole group and sorts it, and a claimed batch of messages is found through the wrong index.
// Autovacuum analyses such tables within a minute or so, or never where it is turned off.
import { sql } from 'kysely';
import type { Store } from './dialect.ts';

/** Rows changed since the last analysis that make a table's statistics stale: a tenth of it, and at least this many. */
const minChanged = 1000;

/**
 * On PostgreSQL, analyses those of `tables` (every table of the schema when not given) whose rows changed by more
 * than a tenth, and 1,000, since they were last analysed, and returns their names. On SQLite nothing: its planner
 * keeps no row counts that an import would make wrong here.
 */
export async function refreshStatistics(store: Store, tables?: readonly string[]): Promise<string[]> {
  if (store.dialect !== 'postgres' || tables?.length === 0) return [];
  const { rows } = await sql<{ relname: string }>`select relname from pg_stat_user_tables
    where schemaname = current_schema() and n_mod_since_analyze > greatest(${minChanged}, n_live_tup / 10)
    ${tables ? sql`and relname in (${sql.join(tables)})` : sql``} order by relname`.execute(store.db);
  for (const r of rows) await sql`analyze ${sql.table(r.relname)}`.execute(store.db);
  return rows.map((r) => r.relname);
}
