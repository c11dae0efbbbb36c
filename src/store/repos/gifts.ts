// The gift catalogue of a tenant (兑换礼品): code, name, price in points, stock and the dates it may be redeemed.
import type { Db, GiftsTable } from '../database.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';

/** A gift as shown. */
export interface Gift { id: string; code: string; name: string; points: number; stock: number; startsAt: string | null; endsAt: string | null; createdAt: string; updatedAt: string }

/** What a tenant gives to create or change a gift. */
export interface GiftInput { code: string; name: string; points: number; stock: number; startsAt?: string | null; endsAt?: string | null }

/** A gift code as matched: upper case, no spaces (DH g01 and DH G01 name the same gift). */
export function giftCodeKey(code: string): string {
  return code.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** A row as a gift. */
export function toGift(r: GiftsTable): Gift {
  return { id: r.id, code: r.code, name: r.name, points: Number(r.points), stock: Number(r.stock), startsAt: r.starts_at, endsAt: r.ends_at, createdAt: r.created_at, updatedAt: r.updated_at };
}

function checkDates(startsAt: string | null | undefined, endsAt: string | null | undefined): void {
  if (startsAt && endsAt && startsAt >= endsAt) throw new DomainError('invalid_request', `endsAt (${endsAt}) must be after startsAt (${startsAt})`, { field: 'endsAt' });
}

async function codeTaken(db: Db, tenantId: string, code: string, exceptId?: string): Promise<void> {
  const other = await db.selectFrom('gifts').select(['id', 'name']).where('tenant_id', '=', tenantId).where('code', '=', code)
    .$if(!!exceptId, (q) => q.where('id', '!=', exceptId!)).executeTakeFirst();
  if (other) throw new DomainError('conflict', `gift code ${code} is already used by "${other.name}"`, { field: 'code', giftId: other.id });
}

/** Creates a gift; its code is unique in the tenant (409 naming the holder). */
export async function createGift(db: Db, tenantId: string, input: GiftInput, now: string): Promise<Gift> {
  const code = giftCodeKey(input.code);
  checkDates(input.startsAt, input.endsAt);
  await codeTaken(db, tenantId, code);
  const row: GiftsTable = {
    id: newId(), tenant_id: tenantId, code, name: input.name, points: input.points, stock: input.stock, starts_at: input.startsAt ?? null, ends_at: input.endsAt ?? null,
    created_at: now, updated_at: now,
  };
  await db.insertInto('gifts').values(row).execute();
  return toGift(row);
}

/** Changes a gift; a stock change is relative to what redemptions left (set it, do not race it: `stock` replaces). */
export async function updateGift(db: Db, tenantId: string, id: string, patch: Partial<GiftInput>, now: string): Promise<Gift | undefined> {
  const current = await db.selectFrom('gifts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!current) return undefined;
  const code = patch.code !== undefined ? giftCodeKey(patch.code) : current.code;
  if (code !== current.code) await codeTaken(db, tenantId, code, id);
  const startsAt = patch.startsAt !== undefined ? patch.startsAt : current.starts_at;
  const endsAt = patch.endsAt !== undefined ? patch.endsAt : current.ends_at;
  checkDates(startsAt, endsAt);
  const row = await db.updateTable('gifts').set({
    code, name: patch.name ?? current.name, points: patch.points ?? current.points, stock: patch.stock ?? current.stock, starts_at: startsAt ?? null, ends_at: endsAt ?? null, updated_at: now,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst();
  return row ? toGift(row) : undefined;
}

/** The tenant's gifts by code. */
export async function listGifts(db: Db, tenantId: string): Promise<Gift[]> {
  return (await db.selectFrom('gifts').selectAll().where('tenant_id', '=', tenantId).orderBy('code').execute()).map(toGift);
}

/** A gift by id. */
export async function getGift(db: Db, tenantId: string, id: string): Promise<Gift | undefined> {
  const r = await db.selectFrom('gifts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r ? toGift(r) : undefined;
}

/** Deletes a gift never redeemed (one with redemptions is ended instead: set endsAt); false when not found. */
export async function deleteGift(db: Db, tenantId: string, id: string): Promise<boolean> {
  const used = await db.selectFrom('redemptions').select('id').where('tenant_id', '=', tenantId).where('gift_id', '=', id).executeTakeFirst();
  if (used) throw new DomainError('conflict', 'this gift has redemptions; end it (endsAt) instead of deleting it', { field: 'id' });
  const r = await db.deleteFrom('gifts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
