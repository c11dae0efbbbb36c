import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';

/** The scope of a blocklist: one tenant's, or the platform's (applies to every tenant). */
export type BlockScope = { tenantId: string } | 'platform';
/** A blocked number. */
export interface BlockEntry { id: string; phone: string; reason: string | null; createdAt: string; platform: boolean }

const PLATFORM = '*';
const scopeKey = (s: BlockScope) => (s === 'platform' ? PLATFORM : s.tenantId);

/** Blocks numbers (E.164) in a scope; numbers already blocked stay as they were. */
export async function blockNumbers(db: Db, scope: BlockScope, phones: string[], reason: string | null, now: string): Promise<void> {
  if (phones.length === 0) return;
  await db.insertInto('blocklist').values([...new Set(phones)].map((phone) => ({ id: newId(), scope: scopeKey(scope), phone, reason, created_at: now })))
    .onConflict((oc) => oc.columns(['scope', 'phone']).doNothing()).execute();
}

/** Unblocks a number in a scope; false if it was not blocked there. */
export async function unblockNumber(db: Db, scope: BlockScope, phone: string): Promise<boolean> {
  const r = await db.deleteFrom('blocklist').where('scope', '=', scopeKey(scope)).where('phone', '=', phone).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The entries of one scope, by number. */
export async function listBlocked(db: Db, scope: BlockScope, limit = 1000, afterPhone = ''): Promise<BlockEntry[]> {
  const rows = await db.selectFrom('blocklist').selectAll().where('scope', '=', scopeKey(scope)).where('phone', '>', afterPhone)
    .orderBy('phone').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, phone: r.phone, reason: r.reason, createdAt: r.created_at, platform: r.scope === PLATFORM }));
}

/** Which of these numbers a tenant may not message: blocked by the tenant or by the platform. */
export async function blockedAmong(db: Db, tenantId: string, phones: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let at = 0; at < phones.length; at += 900) {
    const rows = await db.selectFrom('blocklist').select('phone').where('scope', 'in', [tenantId, PLATFORM])
      .where('phone', 'in', phones.slice(at, at + 900)).execute();
    for (const r of rows) out.add(r.phone);
  }
  return out;
}
