import { sql, type RawBuilder } from 'kysely';
import { DomainError } from '../domain/errors.ts';

/** Where a newest-first page ends: the sort time of its last row and that row's id (null for an older time-only cursor). */
export interface Keyset { at: string; id: string | null }

/** The `before` cursor of the page after one ending with this row: "<time>_<id>", so rows sharing a time are neither skipped nor repeated. */
export function keysetCursor(row: { at: string; id: string }): string {
  return `${row.at}_${row.id}`;
}

/** Reads a `before` cursor: "<time>_<id>" as keysetCursor writes it, or a bare time (rows at that very time are then skipped). */
export function parseKeyset(before: string): Keyset {
  const cut = before.lastIndexOf('_');
  const at = cut < 0 ? before : before.slice(0, cut);
  const id = cut < 0 ? null : before.slice(cut + 1);
  if (!at || id === '' || Number.isNaN(Date.parse(at))) throw new DomainError('invalid_request', `before must be a cursor "<time>_<id>" from a previous page, not ${JSON.stringify(before.slice(0, 80))}`, { field: 'before' });
  return { at, id };
}

/** The condition "sorts after the cursor" of a list ordered by (time column desc, id column desc), parameterised. */
export function olderThan(timeColumn: string, idColumn: string, before: string): RawBuilder<boolean> {
  const k = parseKeyset(before);
  const t = sql.ref(timeColumn);
  if (k.id === null) return sql<boolean>`${t} < ${k.at}`;
  return sql<boolean>`(${t} < ${k.at} or (${t} = ${k.at} and ${sql.ref(idColumn)} < ${k.id}))`;
}

/** The cursor of the page after `rows` when the page was full, else null (there is no next page). */
export function nextCursor<T>(rows: T[], limit: number, key: (row: T) => { at: string; id: string }): string | null {
  return rows.length > 0 && rows.length >= limit ? keysetCursor(key(rows[rows.length - 1])) : null;
}
