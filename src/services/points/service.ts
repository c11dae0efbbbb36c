// Points and gifts (积分 / 兑换): a customer texts a balance word (JF) for the balance or a redeem word with a gift
// code (DH G01); the redemption reserves the points and one unit of stock in the MO's own transaction.
import { z } from 'zod';
import { fillReply } from '../../domain/keywords.ts';
import { defineService, noTiming } from '../service.ts';
import { pointsBalance } from '../../store/repos/points.ts';
import { giftCodeKey, listGifts } from '../../store/repos/gifts.ts';
import { giftWindow, redeemGift } from '../../store/repos/redemptions.ts';
import { giftsLine, isRedeemWord, pointsReplies, pointsWords, type PointsLanguage } from './rules.ts';

const reply = z.string().min(1).max(500).optional();
const schema = z.object({
  language: z.enum(['zh', 'en', 'ru']).default('zh').describe('Default words and replies: zh JF/积分 DH/兑换, en POINTS/BAL REDEEM, ru БАЛЛЫ ОБМЕН'),
  balanceWords: z.array(z.string().min(1).max(30)).max(10).optional().describe('Words that ask for the balance (default by language)'),
  redeemWords: z.array(z.string().min(1).max(30)).max(10).optional().describe('Words that redeem a gift: <word> <gift code> (default by language)'),
  replies: z.object({
    balance: reply, redeemed: reply, missingCode: reply, unknownGift: reply, notStarted: reply, ended: reply, outOfStock: reply, insufficient: reply,
  }).default({}).describe('Reply templates over the language defaults; {{balance}} {{code}} {{gift}} {{points}} {{gifts}}'),
});

/** The points service type. */
export const points = defineService({
  type: 'points',
  labels: { zh: '积分兑换', en: 'Points and gifts', ru: 'Баллы и подарки' },
  schema,
  configKeywords: (c) => { const w = pointsWords(c); return [...w.balance, ...w.redeem]; },
  interruptible: () => true,
  timing: () => noTiming,
  async start(ctx, svc, mo) {
    const c = svc.config;
    const language = c.language as PointsLanguage;
    const texts = pointsReplies(language, c.replies);
    const now = ctx.now.toISOString();
    const open = (await listGifts(ctx.db, mo.tenantId)).filter((g) => g.stock > 0 && giftWindow({ starts_at: g.startsAt, ends_at: g.endsAt }, now) === 'open');
    const gifts = giftsLine(language, open);
    const balanceOf = () => (mo.contactId ? pointsBalance(ctx.db, mo.tenantId, mo.contactId, ctx.now) : Promise.resolve(0));
    const answer = (template: string, category: string, vars: Record<string, unknown>, valid = false) => ({
      replies: [{ text: fillReply(template, { gifts, ...vars }).trim() }],
      responses: [{ step: null, raw: mo.text, value: typeof vars.code === 'string' ? vars.code : null, category, valid }],
    });
    if (!isRedeemWord(pointsWords(c), mo.keyword)) return answer(texts.balance, 'balance', { balance: await balanceOf() }, true);
    const code = mo.arg.trim();
    if (!code) return answer(texts.missingCode, 'missing_code', { balance: await balanceOf() });
    if (!mo.contactId) {
      const gift = open.find((g) => g.code === giftCodeKey(code));
      if (!gift) return answer(texts.unknownGift, 'unknown_gift', { code, balance: 0 });
      return answer(texts.insufficient, 'insufficient_points', { code, gift: gift.name, points: gift.points, balance: 0 });
    }
    const r = await redeemGift(ctx.db, mo.tenantId, { contactId: mo.contactId, code, channel: 'sms', note: `inbound ${mo.inboundId}` }, ctx.now);
    const vars = { code, gift: r.gift?.name ?? code, points: r.gift?.points ?? 0, balance: r.balance };
    if (r.ok) return answer(texts.redeemed, 'redeemed', { ...vars, redemptionId: r.redemption.id }, true);
    const template = { unknown_gift: texts.unknownGift, not_started: texts.notStarted, ended: texts.ended, out_of_stock: texts.outOfStock, insufficient_points: texts.insufficient }[r.reason];
    return answer(template, r.reason, vars);
  },
  answer: async () => ({ replies: [], responses: [] }),
  async results(_ctx, _svc, responses) {
    const by: Record<string, number> = {};
    for (const r of responses) by[r.category] = (by[r.category] ?? 0) + 1;
    return { texts: responses.length, byCategory: by };
  },
});
