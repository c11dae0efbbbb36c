// Pure rules of an inquiry: the lookup key of an argument, and turning an uploaded table into keyed rows.
import { normalizeKeyword } from '../../domain/keywords.ts';

/** The key a value is looked up by (NFKC, case- and width-insensitive, spaces and punctuation ignored). */
export function lookupKey(v: string): string {
  return normalizeKeyword(v).slice(0, 200);
}

/** A rejected row of an uploaded table, reported like contact imports. */
export interface TableReject { line: number; reason: 'empty_key' | 'duplicate_key' | 'unreadable'; detail: string }

/**
 * Builds the rows of an inquiry table: the first row names the columns, the first column is the key. Rows with an
 * empty or repeated key are rejected with their line; the rest are kept.
 */
export function tableRows(rows: ReadonlyArray<{ line: number; cells: ReadonlyArray<unknown>; error?: string }>):
{ columns: string[]; rows: Array<{ key: string; value: Record<string, string> }>; rejects: TableReject[] } {
  const rejects: TableReject[] = [];
  const out: Array<{ key: string; value: Record<string, string> }> = [];
  const header = rows[0];
  if (!header) return { columns: [], rows: [], rejects };
  const columns = header.cells.map((c, i) => String(c ?? '').trim() || `col${i + 1}`);
  const seen = new Set<string>();
  for (const r of rows.slice(1)) {
    if (r.error) { rejects.push({ line: r.line, reason: 'unreadable', detail: r.error }); continue; }
    if (r.cells.every((c) => c === null || String(c).trim() === '')) continue;
    const key = lookupKey(String(r.cells[0] ?? ''));
    if (!key) { rejects.push({ line: r.line, reason: 'empty_key', detail: `${columns[0]} is empty` }); continue; }
    if (seen.has(key)) { rejects.push({ line: r.line, reason: 'duplicate_key', detail: `${columns[0]} ${String(r.cells[0])} appears again` }); continue; }
    seen.add(key);
    const value: Record<string, string> = Object.create(null) as Record<string, string>;
    columns.forEach((c, i) => { value[c] = String(r.cells[i] ?? '').slice(0, 500); });
    out.push({ key, value });
  }
  return { columns, rows: out, rejects };
}
