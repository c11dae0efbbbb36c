import { sql } from 'kysely';
import type { CodeBatchesTable, CodeChecksTable, Db } from '../database.ts';
import { insertRows, runStatement, type BulkTarget } from '../bulk.ts';

/** A code batch as the API shows it. */
export interface CodeBatch {
  id: string; product: string; name: string; source: string; length: number; count: number; expiresAt: string | null; createdAt: string;
}

/** Maps a batch row to the API shape. */
export function toCodeBatch(r: CodeBatchesTable): CodeBatch {
  return { id: r.id, product: r.product, name: r.name, source: r.source, length: r.length, count: r.count, expiresAt: r.expires_at, createdAt: r.created_at };
}

/** Stores a new batch. */
export async function insertCodeBatch(db: Db, row: CodeBatchesTable): Promise<void> {
  await db.insertInto('code_batches').values(row).execute();
}

/** Sets a batch's final count and the indices skipped because their code was already held. */
export async function finishCodeBatch(db: Db, tenantId: string, id: string, count: number, skipped: number[]): Promise<void> {
  await db.updateTable('code_batches').set({ count, skipped: JSON.stringify(skipped) }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** One batch of a tenant. */
export async function codeBatchRow(db: Db, tenantId: string, id: string): Promise<CodeBatchesTable | undefined> {
  return db.selectFrom('code_batches').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The tenant's batches, newest first. */
export async function listCodeBatches(db: Db, tenantId: string): Promise<CodeBatch[]> {
  return (await db.selectFrom('code_batches').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(1000).execute()).map(toCodeBatch);
}

/** Deletes a batch and its codes. */
export async function deleteCodeBatch(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('code_batches').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Stores code hashes of a batch (1,024 rows per prepared statement); returns the hashes that were new (a hash the tenant already holds is left out). */
export async function insertCodeHashes(t: BulkTarget, tenantId: string, batchId: string, hashes: string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = await insertRows<{ hash: string }>(t, 'codes', ['tenant_id', 'hash', 'batch_id', 'checks', 'first_checked_at', 'first_phone'],
    hashes.map((hash) => [tenantId, hash, batchId, 0, null, null]), ['tenant_id', 'hash'], ['hash']);
  return new Set(rows.map((r) => r.hash));
}

/** What a check found: the batch, and (after a first check) when and by whom it was first checked, with the count. */
export interface CodeHit { batchId: string; product: string; checks: number; firstCheckedAt: string | null; firstPhone: string | null; first: boolean }

/** Whether a code is open for its first check: none yet, and its batch has not expired at the time given (`?`). */
const openCode = '(first_checked_at is null and exists (select 1 from code_batches b where b.id = codes.batch_id and (b.expires_at is null or b.expires_at > ?)))';
const checkSql = `update codes set checks = case when first_checked_at is not null or ${openCode} then checks + 1 else checks end,
    first_checked_at = case when ${openCode} then ? else first_checked_at end,
    first_phone = case when ${openCode} then ? else first_phone end
  where tenant_id = ? and hash = ?
  returning batch_id, checks, first_checked_at, first_phone, (select b.product from code_batches b where b.id = codes.batch_id) as product`;

/**
 * One check of a code, decided by one conditional update of its row (found by its primary key): while the code has
 * no first check and its batch has not expired, this check becomes the first (exactly one of any number of
 * concurrent checks, also on two nodes: the row is locked); a check of a claimed code is counted; a check of an
 * expired, never checked code changes nothing (`firstCheckedAt` stays null). Null when the tenant holds no such code.
 * One statement, prepared once on SQLite.
 */
export async function checkCode(t: BulkTarget, tenantId: string, hash: string, phone: string, at: string): Promise<CodeHit | null> {
  const [r] = await runStatement<{ batch_id: string; product: string | null; checks: number; first_checked_at: string | null; first_phone: string | null }>(
    t, checkSql, [at, at, at, at, phone, tenantId, hash]);
  if (!r) return null;
  const checks = Number(r.checks);
  // the count moves from 0 to 1 only when a check claims the code (an expired code's checks are not counted)
  return { batchId: r.batch_id, product: r.product ?? '', checks, firstCheckedAt: r.first_checked_at, firstPhone: r.first_phone, first: checks === 1 && r.first_checked_at !== null };
}

/** Records checks for the statistics, many rows per statement (prepared once on SQLite). */
export async function insertCodeChecks(t: BulkTarget, rows: CodeChecksTable[]): Promise<void> {
  await insertRows(t, 'code_checks', ['id', 'tenant_id', 'service_id', 'batch_id', 'product', 'result', 'phone', 'province', 'at'],
    rows.map((r) => [r.id, r.tenant_id, r.service_id, r.batch_id, r.product, r.result, r.phone, r.province, r.at]));
}

/** Checks counted by result, product, batch and province of the number (optionally of one service, since a time). */
export async function codeCheckStats(db: Db, tenantId: string, opts: { serviceId?: string; since?: string } = {}): Promise<Record<'byResult' | 'byProduct' | 'byBatch' | 'byProvince', Array<{ key: string; result: string; n: number }>>> {
  const by = async (column: 'result' | 'product' | 'batch_id' | 'province') => {
    let q = db.selectFrom('code_checks').select([sql<string>`coalesce(${sql.ref(column)}, '')`.as('key'), 'result', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId);
    if (opts.serviceId) q = q.where('service_id', '=', opts.serviceId);
    if (opts.since) q = q.where('at', '>=', opts.since);
    const rows = await q.groupBy([column, 'result']).execute();
    return rows.map((r) => ({ key: r.key, result: r.result, n: Number(r.n) })).sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1));
  };
  return { byResult: await by('result'), byProduct: await by('product'), byBatch: await by('batch_id'), byProvince: await by('province') };
}
