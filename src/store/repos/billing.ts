import { sql, type Kysely } from 'kysely';
import type { Database, Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { olderThan } from '../keyset.ts';

/** Kinds of ledger movement: top-up by the platform, reserve at materialisation, release or refund back. */
export type LedgerKind = 'topup' | 'adjust' | 'reserve' | 'release' | 'refund';

/** What a ledger line says besides the amount. */
export interface LedgerNote { kind: LedgerKind; campaignId?: string | null; messageId?: string | null; note?: string | null; actor?: string | null }

/** One ledger line as shown. */
export interface LedgerEntry { id: string; kind: string; amount: bigint; balanceAfter: bigint; campaignId: string | null; messageId: string | null; note: string | null; actor: string | null; at: string }

/**
 * Moves a tenant balance by `amount` (minor units, may be negative) and writes the ledger line, atomically.
 * Returns the new balance, or null (and changes nothing) when a debit would take the balance below zero.
 */
export async function moveBalance(db: Db, tenantId: string, amount: bigint, entry: LedgerNote, at: string): Promise<bigint | null> {
  if (amount === 0n) return null;
  if (!db.isTransaction) return (db as Kysely<Database>).transaction().execute((trx) => moveBalance(trx, tenantId, amount, entry, at));
  const delta = amount.toString();
  const row = await db.updateTable('tenants')
    .set({ balance: sql`balance + cast(${delta} as bigint)` })
    .where('id', '=', tenantId)
    .$if(amount < 0n, (q) => q.where(sql<boolean>`balance + cast(${delta} as bigint) >= 0`))
    .returning(sql<string>`cast(balance as text)`.as('balance'))
    .executeTakeFirst();
  if (!row) return null;
  await db.insertInto('ledger').values({
    id: newId(), tenant_id: tenantId, kind: entry.kind, amount: delta, balance_after: row.balance, campaign_id: entry.campaignId ?? null,
    message_id: entry.messageId ?? null, note: entry.note ?? null, actor: entry.actor ?? null, at,
  }).execute();
  return BigInt(row.balance);
}

/** The tenant's ledger, newest first. */
export async function listLedger(db: Db, tenantId: string, opts: { limit: number; before?: string }): Promise<LedgerEntry[]> {
  const rows = await db.selectFrom('ledger')
    .select(['id', 'kind', 'campaign_id', 'message_id', 'note', 'actor', 'at'])
    .select([sql<string>`cast(amount as text)`.as('amount'), sql<string>`cast(balance_after as text)`.as('balance_after')])
    .where('tenant_id', '=', tenantId)
    .$if(!!opts.before, (q) => q.where(olderThan('at', 'id', opts.before!)))
    .orderBy('at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, amount: BigInt(r.amount), balanceAfter: BigInt(r.balance_after), campaignId: r.campaign_id, messageId: r.message_id, note: r.note, actor: r.actor, at: r.at }));
}
