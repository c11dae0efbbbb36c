// Refer-a-friend (推荐有礼): a member texts the refer word and a friend's mobile number; the friend gets one
// invitation naming the member and replies the join word within N days; both are rewarded once through the
// points ledger (source = the referral). Refused without any invitation: own number, existing member, opted-out or
// blocklisted number, invalid number or landline, over the daily limit, a friend someone referred first.
import { z } from 'zod';
import { fillReply, normalizeKeyword } from '../../domain/keywords.ts';
import { newId } from '../../domain/ids.ts';
import type { CountryCode } from '../../domain/phone.ts';
import { defineService, noTiming, type Outcome, type ServiceContext, type ServiceMo } from '../service.ts';
import { blockedAmong } from '../../store/repos/blocklist.ts';
import { contactRow } from '../../store/repos/contacts.ts';
import { creditPoints } from '../../store/repos/points.ts';
import { claimReferral, dropReferral, referralOf, settleReferral } from '../../store/repos/referrals.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { friendNumber, referralDay, referralReplies, referralWords, referrerLabel, shownNumber, type ReferralLanguage, type ReferralReplies } from './rules.ts';

const reply = z.string().min(1).max(500).optional();
const replyKeys = [
  'invited', 'invitation', 'notMember', 'missingNumber', 'invalid', 'landline', 'ownNumber', 'member', 'unreachable', 'alreadyReferred', 'limit', 'joined',
  'rewarded', 'noInvitation', 'alreadyJoined', 'expired',
] as const satisfies ReadonlyArray<keyof ReferralReplies>;
const schema = z.object({
  language: z.enum(['zh', 'en', 'ru']).default('zh').describe('Default words and replies: zh 推荐/加入, en REFER/JOIN, ru ПРИГЛАСИТЬ/ВСТУПИТЬ'),
  referWords: z.array(z.string().min(1).max(30)).max(10).optional().describe('Words a member texts with the friend\'s number (default by language)'),
  joinWords: z.array(z.string().min(1).max(30)).max(10).optional().describe('Words the friend replies to accept (default by language)'),
  validDays: z.number().int().min(1).max(365).default(7).describe('Days the friend has to reply'),
  dailyLimit: z.number().int().min(1).max(1000).default(5).describe('Invitations per referrer per day (in the tenant\'s zone)'),
  referrerPoints: z.number().int().min(0).max(1_000_000).default(100),
  friendPoints: z.number().int().min(0).max(1_000_000).default(50),
  pointsValidDays: z.number().int().min(0).max(3650).default(0).describe('Days the reward points last (0 = never expire)'),
  replies: z.object(Object.fromEntries(replyKeys.map((k) => [k, reply])) as Record<typeof replyKeys[number], typeof reply>).default({}),
});
type ReferralConfig = z.infer<typeof schema>;

async function countryOf(ctx: ServiceContext, tenantId: string): Promise<CountryCode> {
  const c = (await findTenant(ctx.db, tenantId))?.settings.defaultCountry;
  return (typeof c === 'string' && /^[A-Z]{2}$/.test(c) ? c : 'CN') as CountryCode;
}

function say(text: string, vars: Record<string, unknown>, category: string, mo: ServiceMo, valid = false, more: Outcome['replies'] = []): Outcome {
  return { replies: [{ text: fillReply(text, vars) }, ...more], responses: [{ step: null, raw: mo.text, value: typeof vars.friendE164 === 'string' ? vars.friendE164 : null, category, valid }] };
}

async function refer(ctx: ServiceContext, serviceId: string, c: ReferralConfig, mo: ServiceMo): Promise<Outcome> {
  const texts = referralReplies(c.language as ReferralLanguage, c.replies);
  const words = referralWords(c);
  const base = { refer: words.refer[0], join: words.join[0], days: c.validDays, points: c.referrerPoints, friendPoints: c.friendPoints, limit: c.dailyLimit };
  if (!mo.contactId) return say(texts.notMember, base, 'not_member', mo);
  const raw = mo.arg.trim();
  if (!raw) return say(texts.missingNumber, base, 'missing_number', mo);
  const n = friendNumber(raw, await countryOf(ctx, mo.tenantId));
  if (n.kind === 'invalid') return say(texts.invalid, { ...base, friend: raw.slice(0, 30) }, 'invalid_number', mo);
  const vars = { ...base, friend: shownNumber(n.e164), friendE164: n.e164 };
  if (n.kind === 'landline') return say(texts.landline, vars, 'landline', mo);
  if (n.e164 === mo.phone) return say(texts.ownNumber, vars, 'own_number', mo);
  if ((await ctx.optedOut([n.e164])).size || (await blockedAmong(ctx.db, mo.tenantId, [n.e164])).size) return say(texts.unreachable, vars, 'unreachable', mo);
  const member = await ctx.db.selectFrom('contacts').select('id').where('tenant_id', '=', mo.tenantId).where('phone', '=', n.e164).executeTakeFirst();
  if (member) return say(texts.member, vars, 'member', mo);
  const id = newId(ctx.now.getTime());
  const invitedAt = ctx.now.toISOString();
  const expiresAt = new Date(ctx.now.getTime() + c.validDays * 86_400_000).toISOString();
  if (!await claimReferral(ctx.db, { id, tenant_id: mo.tenantId, service_id: serviceId, referrer_contact_id: mo.contactId, referrer_phone: mo.phone, friend_phone: n.e164, friend_contact_id: null, status: 'invited', invited_at: invitedAt, expires_at: expiresAt, joined_at: null })) {
    return say(texts.alreadyReferred, vars, 'already_referred', mo);
  }
  // counted atomically after the friend is claimed: concurrent referrals of one member never pass the limit together
  if (await ctx.entries.add('daily', `${mo.phone}|${referralDay(ctx.now, ctx.zone)}`, 1) > c.dailyLimit) {
    await dropReferral(ctx.db, mo.tenantId, id);
    return say(texts.limit, vars, 'daily_limit', mo);
  }
  const referrer = await ctx.db.selectFrom('contacts').select('name').where('id', '=', mo.contactId).executeTakeFirst();
  const invitation = fillReply(texts.invitation, { ...vars, referrer: referrerLabel(referrer?.name ?? null, mo.phone) });
  return say(texts.invited, vars, 'invited', mo, true, [{ text: invitation, to: [n.e164] }]);
}

async function join(ctx: ServiceContext, c: ReferralConfig, mo: ServiceMo): Promise<Outcome> {
  const texts = referralReplies(c.language as ReferralLanguage, c.replies);
  const vars = { days: c.validDays, points: c.referrerPoints, friendPoints: c.friendPoints, friend: shownNumber(mo.phone) };
  const r = await referralOf(ctx.db, mo.tenantId, mo.phone);
  if (!r) return say(texts.noInvitation, vars, 'no_invitation', mo);
  if (r.status === 'joined') return say(texts.alreadyJoined, vars, 'already_joined', mo);
  const now = ctx.now.toISOString();
  if (r.status === 'expired' || r.expires_at <= now) {
    await settleReferral(ctx.db, r.id, { status: 'expired', at: now });
    return say(texts.expired, vars, 'expired', mo);
  }
  const fresh = contactRow(mo.tenantId, { phone: mo.phone }, now);
  await ctx.db.insertInto('contacts').values(fresh).onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing()).execute();
  const friend = await ctx.db.selectFrom('contacts').select('id').where('tenant_id', '=', mo.tenantId).where('phone', '=', mo.phone).executeTakeFirstOrThrow();
  if (!await settleReferral(ctx.db, r.id, { status: 'joined', friendContactId: friend.id, at: now })) return say(texts.alreadyJoined, vars, 'already_joined', mo);
  const source = { type: 'referral' as const, id: r.id };
  const expiresAt = c.pointsValidDays ? new Date(ctx.now.getTime() + c.pointsValidDays * 86_400_000).toISOString() : null;
  if (c.friendPoints) await creditPoints(ctx.db, mo.tenantId, { contactId: friend.id, points: c.friendPoints, source, expiresAt, note: 'referral: joined' }, ctx.now);
  const more: Outcome['replies'] = [];
  const referrer = await ctx.db.selectFrom('contacts').select('id').where('tenant_id', '=', mo.tenantId).where('id', '=', r.referrer_contact_id).executeTakeFirst();
  if (referrer && c.referrerPoints) {
    await creditPoints(ctx.db, mo.tenantId, { contactId: referrer.id, points: c.referrerPoints, source, expiresAt, note: `referral: ${mo.phone} joined` }, ctx.now);
    more.push({ text: fillReply(texts.rewarded, vars), to: [r.referrer_phone] });
  }
  return say(texts.joined, vars, 'joined', mo, true, more);
}

/** The refer-a-friend service type. */
export const referral = defineService({
  type: 'referral',
  labels: { zh: '推荐有礼', en: 'Refer a friend', ru: 'Приведи друга' },
  schema,
  configKeywords: (c) => { const w = referralWords(c); return [...w.refer, ...w.join]; },
  interruptible: () => true,
  timing: () => noTiming,
  async start(ctx, svc, mo) {
    const isJoin = mo.keyword !== null && referralWords(svc.config).join.some((w) => normalizeKeyword(w) === mo.keyword);
    return isJoin ? join(ctx, svc.config, mo) : refer(ctx, svc.id, svc.config, mo);
  },
  answer: async () => ({ replies: [], responses: [] }),
  async results(ctx, svc, responses) {
    const by: Record<string, number> = {};
    for (const r of responses) by[r.category] = (by[r.category] ?? 0) + 1;
    const states = await ctx.db.selectFrom('referrals').select(['status', (eb) => eb.fn.countAll<string | number>().as('n')]).where('service_id', '=', svc.id).groupBy('status').execute();
    return { texts: responses.length, byCategory: by, referrals: Object.fromEntries(states.map((s) => [s.status, Number(s.n)])) };
  },
});
