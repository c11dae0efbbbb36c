import { sql } from 'kysely';
import type { CodeBatchesTable, CodeChecksTable, Db } from '../database.ts';

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

/** Stores code hashes of a batch; returns the hashes that were new (a hash the tenant already holds is left out). */
export async function insertCodeHashes(db: Db, tenantId: string, batchId: string, hashes: string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = await db.insertInto('codes').values(hashes.map((hash) => ({ tenant_id: tenantId, hash, batch_id: batchId, checks: 0, first_checked_at: null, first_phone: null })))
    .onConflict((oc) => oc.columns(['tenant_id', 'hash']).doNothing()).returning('hash').execute();
  return new Set(rows.map((r) => r.hash));
}

/** What a check found: the batch, and (after a first check) when and by whom it was first checked, with the count. */
export interface CodeHit { batchId: string; product: string; checks: number; firstCheckedAt: string | null; firstPhone: string | null; expired: boolean }

/**
 * The first check of a code, decided by one conditional update: it sets the first check only while none is set
 * and the batch has not expired. True for exactly one of any number of concurrent checks of the same code.
 */
export async function takeFirstCheck(db: Db, tenantId: string, hash: string, phone: string, at: string): Promise<string | null> {
  const r = await db.updateTable('codes').set({ checks: 1, first_checked_at: at, first_phone: phone })
    .where('tenant_id', '=', tenantId).where('hash', '=', hash).where('first_checked_at', 'is', null)
    // correlated EXISTS, not IN: the planner then finds the code by its primary key instead of scanning the batch
    .where(({ exists, selectFrom }) => exists(selectFrom('code_batches').select('code_batches.id').whereRef('code_batches.id', '=', 'codes.batch_id')
      .where((w) => w.or([w('code_batches.expires_at', 'is', null), w('code_batches.expires_at', '>', at)]))))
    .returning('batch_id').executeTakeFirst();
  return r?.batch_id ?? null;
}

/** A later check of a code: counts it and returns the code's first check and its batch, or null when the tenant holds no such code. */
export async function countCheck(db: Db, tenantId: string, hash: string, at: string): Promise<CodeHit | null> {
  const r = await db.updateTable('codes').set((eb) => ({ checks: eb('checks', '+', 1) })).where('tenant_id', '=', tenantId).where('hash', '=', hash)
    .returning(['batch_id', 'checks', 'first_checked_at', 'first_phone']).executeTakeFirst();
  if (!r) return null;
  const b = await db.selectFrom('code_batches').select(['product', 'expires_at']).where('id', '=', r.batch_id).executeTakeFirst();
  return { batchId: r.batch_id, product: b?.product ?? '', checks: r.checks, firstCheckedAt: r.first_checked_at, firstPhone: r.first_phone, expired: !!b?.expires_at && b.expires_at <= at };
}

/** The product of a batch. */
export async function batchProduct(db: Db, batchId: string): Promise<string> {
  return (await db.selectFrom('code_batches').select('product').where('id', '=', batchId).executeTakeFirst())?.product ?? '';
}

/** Records one check for the statistics. */
export async function insertCodeCheck(db: Db, row: CodeChecksTable): Promise<void> {
  await db.insertInto('code_checks').values(row).execute();
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
