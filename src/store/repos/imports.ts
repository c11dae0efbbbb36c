import type { Db, ImportsTable } from '../database.ts';
import { insertRows, type BulkTarget } from '../bulk.ts';
import { newId } from '../../domain/ids.ts';

/** Progress counters of an import. */
export interface ImportCounters { total: number; imported: number; updated: number; duplicates: number; invalid: number }

/** Options of an import, as the user chose them. */
export interface ImportOptions {
  group?: string; tags?: string[]; defaultCountry?: string; existing?: 'update' | 'skip';
  phoneColumn?: number | string; nameColumn?: number | string;
}

/** An import job as the API shows it. */
export interface Import extends ImportCounters {
  id: string; status: 'queued' | 'running' | 'done' | 'failed'; fileName: string; options: ImportOptions;
  cursorLine: number; error: string | null; createdAt: string; startedAt: string | null; finishedAt: string | null;
}

/** A rejected row for the report. */
export interface ImportReject { line: number; reason: string; detail: string; raw: string }

function toImport(r: ImportsTable): Import {
  return {
    id: r.id, status: r.status as Import['status'], fileName: r.file_name, options: JSON.parse(r.options) as ImportOptions,
    total: r.total, imported: r.imported, updated: r.updated, duplicates: r.duplicates, invalid: r.invalid,
    cursorLine: r.cursor_line, error: r.error, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

/** Records a queued import of a stored file. */
export async function createImport(db: Db, tenantId: string, input: { filePath: string; fileName: string; options: ImportOptions }, now: string): Promise<Import> {
  const row: ImportsTable = {
    id: newId(), tenant_id: tenantId, status: 'queued', file_path: input.filePath, file_name: input.fileName,
    options: JSON.stringify(input.options), total: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, cursor_line: 0,
    error: null, lease_until: null, created_at: now, started_at: null, finished_at: null, updated_at: now, file_stored: 0,
  };
  await db.insertInto('imports').values(row).execute();
  return toImport(row);
}

/** An import of the tenant by id. */
export async function getImport(db: Db, tenantId: string, id: string): Promise<Import | undefined> {
  const r = await db.selectFrom('imports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toImport(r);
}

/** The tenant's imports, newest first. */
export async function listImports(db: Db, tenantId: string, limit = 50): Promise<Import[]> {
  return (await db.selectFrom('imports').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(limit).execute()).map(toImport);
}

/** An import with what a worker needs to run it (tenant and file path). */
export interface ClaimedImport extends Import { tenantId: string; filePath: string }

/**
 * Claims an import for this worker until `leaseUntil`: a queued one, or a running one whose lease ran out
 * (its worker died). Returns undefined when another worker holds it or it has finished.
 */
export async function claimImport(db: Db, id: string, now: string, leaseUntil: string): Promise<ClaimedImport | undefined> {
  const r = await db.updateTable('imports')
    .set((eb) => ({ status: 'running', lease_until: leaseUntil, updated_at: now, started_at: eb.fn.coalesce('started_at', eb.val(now)) }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)])])]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return undefined;
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { ...toImport(row), tenantId: row.tenant_id, filePath: row.file_path };
}

/**
 * Imports a worker should pick up: queued before `queuedBefore` (their node died before starting) or running with an
 * expired lease; `fileStored` when the database holds the uploaded file (any node can run them).
 */
export async function claimableImports(db: Db, now: string, queuedBefore: string): Promise<{ id: string; filePath: string; fileStored: boolean }[]> {
  const rows = await db.selectFrom('imports').select(['id', 'file_path', 'file_stored'])
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'queued'), eb('created_at', '<', queuedBefore)]),
      eb.and([eb('status', '=', 'running'), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)])]),
    ]))
    .orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, filePath: r.file_path, fileStored: r.file_stored === 1 }));
}

/** Stores rejected rows (again after a restart changes nothing). */
export async function addRejects(t: BulkTarget, importId: string, rejects: ImportReject[]): Promise<void> {
  await insertRows(t, 'import_rejects', ['import_id', 'line', 'reason', 'detail', 'raw'],
    rejects.map((r) => [importId, r.line, r.reason, r.detail, r.raw]), ['import_id', 'line']);
}

/** Checkpoints an import: counters, the last line done and a longer lease, in the transaction that wrote the rows. */
export async function checkpointImport(db: Db, id: string, counters: ImportCounters, cursorLine: number, now: string, leaseUntil: string): Promise<void> {
  await db.updateTable('imports').set({ ...counters, cursor_line: cursorLine, lease_until: leaseUntil, updated_at: now }).where('id', '=', id).execute();
}

/** Ends an import as done or failed (with the reason). */
export async function finishImport(db: Db, id: string, outcome: { status: 'done' | 'failed'; error?: string; counters?: ImportCounters }, now: string): Promise<void> {
  await db.updateTable('imports')
    .set({ status: outcome.status, error: outcome.error ?? null, finished_at: now, updated_at: now, lease_until: null, ...(outcome.counters ?? {}) })
    .where('id', '=', id).execute();
}

/** The rejected rows of an import of the tenant, in line order, a page at a time. */
export async function listRejects(db: Db, tenantId: string, importId: string, afterLine = 0, limit = 5000): Promise<ImportReject[]> {
  return db.selectFrom('import_rejects').innerJoin('imports', 'imports.id', 'import_rejects.import_id')
    .select(['import_rejects.line', 'import_rejects.reason', 'import_rejects.detail', 'import_rejects.raw'])
    .where('imports.tenant_id', '=', tenantId).where('import_rejects.import_id', '=', importId)
    .where('import_rejects.line', '>', afterLine).orderBy('import_rejects.line').limit(limit).execute();
}
