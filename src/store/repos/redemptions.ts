// Gift redemptions (兑换): points and stock reserved in one transaction, then fulfilled or cancelled (a cancel
// returns the stock and refunds the points). Locks are always taken gift first, account second (no deadlock).
// A lottery's gift prize is a redemption too: the stock reserved the same way, no points charged.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, Db, GiftsTable, RedemptionsTable } from '../database.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { enqueueWebhookEvents } from './webhooks.ts';
import { debitPoints, pointsBalance, refundDebit } from './points.ts';
import { giftCodeKey, toGift, type Gift } from './gifts.ts';
import { olderThan } from '../keyset.ts';

/** Fulfilment states: reserved → fulfilled | cancelled. */
export type RedemptionStatus = 'reserved' | 'fulfilled' | 'cancelled';

/** A redemption as shown. */
export interface Redemption {
  id: string; giftId: string; giftCode: string; giftName: string; contactId: string; phone: string | null; points: number; status: RedemptionStatus;
  channel: string; note: string | null; createdAt: string; updatedAt: string;
}

/** Why a redemption was refused (nothing written). */
export type RedeemRefusal = 'unknown_gift' | 'not_started' | 'ended' | 'out_of_stock' | 'insufficient_points';

/** The outcome of a redemption attempt, with the balance after it. */
export type RedeemResult =
  | { ok: true; redemption: Redemption; gift: Gift; balance: number }
  | { ok: false; reason: RedeemRefusal; gift: Gift | null; balance: number };

function inTransaction<T>(db: Db, run: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : (db as Kysely<Database>).transaction().execute(run);
}

/** Whether a gift may be redeemed at `now` by its dates. */
export function giftWindow(g: Pick<GiftsTable, 'starts_at' | 'ends_at'>, now: string): 'open' | 'not_started' | 'ended' {
  if (g.starts_at && now < g.starts_at) return 'not_started';
  if (g.ends_at && now >= g.ends_at) return 'ended';
  return 'open';
}

function event(tenantId: string, r: Redemption) {
  return { tenantId, event: 'points.redemption', payload: { ...r } };
}

const listColumns = [
  'redemptions.id', 'redemptions.gift_id', 'gifts.code', 'gifts.name', 'redemptions.contact_id', 'contacts.phone', 'redemptions.points', 'redemptions.status',
  'redemptions.channel', 'redemptions.note', 'redemptions.created_at', 'redemptions.updated_at',
] as const;

function baseQuery(db: Db, tenantId: string) {
  return db.selectFrom('redemptions').innerJoin('gifts', 'gifts.id', 'redemptions.gift_id').leftJoin('contacts', 'contacts.id', 'redemptions.contact_id')
    .select(listColumns).where('redemptions.tenant_id', '=', tenantId);
}

type ListRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toRedemption(r: ListRow): Redemption {
  return {
    id: r.id, giftId: r.gift_id, giftCode: r.code, giftName: r.name, contactId: r.contact_id, phone: r.phone, points: Number(r.points), status: r.status as RedemptionStatus,
    channel: r.channel, note: r.note, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/**
 * Redeems a gift by its code for a contact: in one transaction, one unit of stock (`stock > 0`) and the gift's points
 * (balance ≥ price, earliest-expiring first) are reserved and the redemption row written; any refusal writes nothing.
 */
export async function redeemGift(db: Db, tenantId: string, input: { contactId: string; code: string; channel: 'sms' | 'api' | 'console'; note?: string | null }, at: Date = new Date()): Promise<RedeemResult> {
  const now = at.toISOString();
  return inTransaction(db, async (trx) => {
    const g = await trx.selectFrom('gifts').selectAll().where('tenant_id', '=', tenantId).where('code', '=', giftCodeKey(input.code)).executeTakeFirst();
    const refuse = async (reason: RedeemRefusal, gift: GiftsTable | null): Promise<RedeemResult> => ({ ok: false, reason, gift: gift ? toGift(gift) : null, balance: await pointsBalance(trx, tenantId, input.contactId, at) });
    if (!g) return refuse('unknown_gift', null);
    const window = giftWindow(g, now);
    if (window !== 'open') return refuse(window, g);
    const taken = await takeStock(trx, g.id);
    if (!taken) return refuse('out_of_stock', g);
    const id = newId(at.getTime());
    const debit = await debitPoints(trx, tenantId, { contactId: input.contactId, points: Number(g.points), source: { type: 'redemption', id }, note: `${g.code} ${g.name}`.slice(0, 500) }, at);
    if (!debit) {
      // not covered: the unit goes back in this same transaction, so the commit changes nothing
      await trx.updateTable('gifts').set({ stock: sql`stock + 1` }).where('id', '=', g.id).execute();
      return refuse('insufficient_points', g);
    }
    const redemption = await insertRedemption(trx, { id, tenant_id: tenantId, gift_id: g.id, contact_id: input.contactId, points: Number(g.points), channel: input.channel, note: input.note ?? null }, at);
    return { ok: true, redemption, gift: toGift(taken), balance: debit.balance };
  });
}

/** One unit of a gift's stock taken (`stock > 0`); the gift's row stays locked until commit, so concurrent takers queue here. */
async function takeStock(trx: Db, giftId: string): Promise<GiftsTable | undefined> {
  return trx.updateTable('gifts').set({ stock: sql`stock - 1` }).where('id', '=', giftId).where('stock', '>', 0).returningAll().executeTakeFirst();
}

/** Writes a reserved redemption and its `points.redemption` webhook event; returns it as shown. */
async function insertRedemption(trx: Db, row: Omit<RedemptionsTable, 'status' | 'created_at' | 'updated_at'>, at: Date): Promise<Redemption> {
  const now = at.toISOString();
  await trx.insertInto('redemptions').values({ ...row, status: 'reserved', created_at: now, updated_at: now }).execute();
  const redemption = toRedemption(await baseQuery(trx, row.tenant_id).where('redemptions.id', '=', row.id).executeTakeFirstOrThrow());
  await enqueueWebhookEvents(trx, [event(row.tenant_id, redemption)], at);
  return redemption;
}

/**
 * A lottery's gift prize for a winner: one unit of the gift's stock reserved and a redemption written (channel
 * `lottery`, no points charged), in the caller's transaction; null when the gift has run out or no longer exists
 * (nothing written). Its dates do not apply: they are for redeeming with points.
 */
export async function grantGift(db: Db, tenantId: string, input: { giftId: string; contactId: string; note: string }, at: Date): Promise<Redemption | null> {
  return inTransaction(db, async (trx) => {
    const gift = await trx.selectFrom('gifts').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.giftId).executeTakeFirst();
    if (!gift || !await takeStock(trx, gift.id)) return null;
    return insertRedemption(trx, { id: newId(at.getTime()), tenant_id: tenantId, gift_id: gift.id, contact_id: input.contactId, points: 0, channel: 'lottery', note: input.note.slice(0, 500) }, at);
  });
}

/**
 * Moves a reserved redemption to fulfilled or cancelled (a cancel returns the unit of stock and refunds the points),
 * with a `points.redemption` webhook event. A redemption no longer reserved is a conflict naming its state.
 */
export async function setRedemptionStatus(db: Db, tenantId: string, id: string, change: { status: 'fulfilled' | 'cancelled'; note?: string | null }, at: Date = new Date()): Promise<Redemption> {
  const now = at.toISOString();
  return inTransaction(db, async (trx) => {
    const current = await trx.selectFrom('redemptions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound('redemption');
    if (change.status === 'cancelled') await trx.updateTable('gifts').set({ stock: sql`stock + 1` }).where('id', '=', current.gift_id).where('tenant_id', '=', tenantId).execute();
    const moved = await trx.updateTable('redemptions').set({ status: change.status, note: change.note ?? current.note, updated_at: now })
      .where('id', '=', id).where('tenant_id', '=', tenantId).where('status', '=', 'reserved').executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) {
      const state = (await trx.selectFrom('redemptions').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      throw new DomainError('conflict', `the redemption is ${state}; only a reserved one can be ${change.status}`, { status: state });
    }
    // a lottery's gift prize cost no points: its cancel returns only the stock
    if (change.status === 'cancelled' && Number(current.points) > 0) await refundDebit(trx, tenantId, { contactId: current.contact_id, debit: { type: 'redemption', id }, note: 'redemption cancelled' }, at);
    const redemption = toRedemption(await baseQuery(trx, tenantId).where('redemptions.id', '=', id).executeTakeFirstOrThrow());
    await enqueueWebhookEvents(trx, [event(tenantId, redemption)], at);
    return redemption;
  });
}

/** The tenant's redemptions, newest first, optionally by state or contact. */
export async function listRedemptions(db: Db, tenantId: string, opts: { limit: number; status?: RedemptionStatus; contactId?: string; before?: string }): Promise<Redemption[]> {
  const rows = await baseQuery(db, tenantId)
    .$if(!!opts.status, (q) => q.where('redemptions.status', '=', opts.status!))
    .$if(!!opts.contactId, (q) => q.where('redemptions.contact_id', '=', opts.contactId!))
    .$if(!!opts.before, (q) => q.where(olderThan('redemptions.created_at', 'redemptions.id', opts.before!)))
    .orderBy('redemptions.created_at', 'desc').orderBy('redemptions.id', 'desc').limit(opts.limit).execute();
  return rows.map(toRedemption);
}
