import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import type { Role } from '../../domain/access.ts';
import { newApiKey, tokenHash } from '../../domain/secrets.ts';

/** An API key as listed: never the secret or its hash. */
export interface ApiKey { id: string; tenantId: string | null; name: string; prefix: string; role: Role; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

type Row = { id: string; tenant_id: string | null; name: string; prefix: string; role: string; created_at: string; last_used_at: string | null; revoked_at: string | null };
const columns = ['id', 'tenant_id', 'name', 'prefix', 'role', 'created_at', 'last_used_at', 'revoked_at'] as const;

function toKey(r: Row): ApiKey {
  return { id: r.id, tenantId: r.tenant_id, name: r.name, prefix: r.prefix, role: r.role as Role, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

/** Makes a new key and stores only its prefix and hash; the returned `key` is the one time the secret exists. */
export async function createApiKey(db: Db, input: { tenantId: string | null; name: string; role: Role; createdBy: string | null }): Promise<{ key: string; apiKey: ApiKey }> {
  const { key, prefix } = newApiKey();
  const row = { id: newId(), tenant_id: input.tenantId, name: input.name, prefix, hash: tokenHash(key), role: input.role, created_by: input.createdBy, created_at: new Date().toISOString(), last_used_at: null, revoked_at: null };
  await db.insertInto('api_keys').values(row).execute();
  return { key, apiKey: toKey(row) };
}

/** Finds a key and its hash by the visible prefix, for authentication. */
export async function findApiKeyByPrefix(db: Db, prefix: string): Promise<(ApiKey & { hash: string }) | undefined> {
  const r = await db.selectFrom('api_keys').select(columns).select('hash').where('prefix', '=', prefix).executeTakeFirst();
  return r && { ...toKey(r), hash: r.hash };
}

/** Lists the keys of a tenant, or the platform keys when tenantId is null. */
export async function listApiKeys(db: Db, tenantId: string | null): Promise<ApiKey[]> {
  const q = db.selectFrom('api_keys').select(columns).orderBy('created_at', 'desc');
  const rows = await (tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId)).execute();
  return rows.map(toKey);
}

/** Revokes a key of the given tenant (null = platform key); returns whether one was revoked now. */
export async function revokeApiKey(db: Db, tenantId: string | null, idOrPrefix: string): Promise<ApiKey | undefined> {
  const q = db.selectFrom('api_keys').select(columns).where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix)]));
  const r = await (tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId)).executeTakeFirst();
  if (!r) return undefined;
  if (!r.revoked_at) {
    r.revoked_at = new Date().toISOString();
    await db.updateTable('api_keys').set({ revoked_at: r.revoked_at }).where('id', '=', r.id).execute();
  }
  return toKey(r);
}

/** Records when a key was last used. */
export async function touchApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
