import type { Db } from '../database.ts';

/** A remembered request: its body hash and, once answered, the response. */
export interface IdempotentEntry { requestHash: string; statusCode: number; response: string }

/** Claims a key for a request; returns the existing entry when the key was already used (statusCode 0 = in progress). */
export async function claimIdempotencyKey(db: Db, tenantId: string, key: string, requestHash: string, now: string): Promise<IdempotentEntry | null> {
  const inserted = await db.insertInto('idempotency_keys')
    .values({ tenant_id: tenantId, key, request_hash: requestHash, status_code: 0, response: '', created_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return null;
  const r = await db.selectFrom('idempotency_keys').select(['request_hash', 'status_code', 'response']).where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirstOrThrow();
  return { requestHash: r.request_hash, statusCode: r.status_code, response: r.response };
}

/** Stores the response of a claimed key. */
export async function completeIdempotencyKey(db: Db, tenantId: string, key: string, statusCode: number, response: string): Promise<void> {
  await db.updateTable('idempotency_keys').set({ status_code: statusCode, response }).where('tenant_id', '=', tenantId).where('key', '=', key).execute();
}

/** Forgets a key whose request failed, so it may be retried. */
export async function releaseIdempotencyKey(db: Db, tenantId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).where('status_code', '=', 0).execute();
}

/** Removes keys older than `before` (they are kept 24 hours). */
export async function purgeIdempotencyKeys(db: Db, before: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
