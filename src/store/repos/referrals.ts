// Refer-a-friend invitations: one row per friend's number and tenant (the first referral wins), invited → joined | expired.
import type { Db, ReferralsTable } from '../database.ts';
import { olderThan } from '../keyset.ts';

/** An invitation as shown. */
export interface Referral {
  id: string; serviceId: string; referrerContactId: string; referrerPhone: string; friendPhone: string; friendContactId: string | null;
  status: 'invited' | 'joined' | 'expired'; invitedAt: string; expiresAt: string; joinedAt: string | null;
}

/** A row as an invitation. */
export function toReferral(r: ReferralsTable): Referral {
  return {
    id: r.id, serviceId: r.service_id, referrerContactId: r.referrer_contact_id, referrerPhone: r.referrer_phone, friendPhone: r.friend_phone,
    friendContactId: r.friend_contact_id, status: r.status as Referral['status'], invitedAt: r.invited_at, expiresAt: r.expires_at, joinedAt: r.joined_at,
  };
}

/** Writes an invitation unless the friend's number was referred before: true when this call made it (safe under concurrency). */
export async function claimReferral(db: Db, row: ReferralsTable): Promise<boolean> {
  const r = await db.insertInto('referrals').values(row).onConflict((oc) => oc.columns(['tenant_id', 'friend_phone']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Takes back an invitation this transaction just wrote (it went over a limit). */
export async function dropReferral(db: Db, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('referrals').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** The invitation of a friend's number. */
export async function referralOf(db: Db, tenantId: string, friendPhone: string): Promise<ReferralsTable | undefined> {
  return db.selectFrom('referrals').selectAll().where('tenant_id', '=', tenantId).where('friend_phone', '=', friendPhone).executeTakeFirst();
}

/** Moves an invitation on from `invited` (one caller wins): true when this call moved it. */
export async function settleReferral(db: Db, id: string, change: { status: 'joined' | 'expired'; friendContactId?: string; at: string }): Promise<boolean> {
  const r = await db.updateTable('referrals').set({ status: change.status, friend_contact_id: change.friendContactId ?? null, joined_at: change.status === 'joined' ? change.at : null })
    .where('id', '=', id).where('status', '=', 'invited').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The tenant's invitations, newest first, optionally by state (an unanswered one past its time counts as expired) or referrer. */
export async function listReferrals(db: Db, tenantId: string, opts: { limit: number; now: string; status?: Referral['status']; referrerPhone?: string; before?: string }): Promise<Referral[]> {
  const rows = await db.selectFrom('referrals').selectAll().where('tenant_id', '=', tenantId)
    .$if(opts.status === 'joined', (q) => q.where('status', '=', 'joined'))
    .$if(opts.status === 'invited', (q) => q.where('status', '=', 'invited').where('expires_at', '>', opts.now))
    .$if(opts.status === 'expired', (q) => q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'invited'), eb('expires_at', '<=', opts.now)])])))
    .$if(!!opts.referrerPhone, (q) => q.where('referrer_phone', '=', opts.referrerPhone!))
    .$if(!!opts.before, (q) => q.where(olderThan('invited_at', 'id', opts.before!)))
    .orderBy('invited_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => {
    const v = toReferral(r);
    return v.status === 'invited' && v.expiresAt <= opts.now ? { ...v, status: 'expired' } : v;
  });
}
