// SMS lottery (短信抽奖): published rules frozen when it opens; entered by keyword or by another service's qualifying
// outcome (a genuine first code check, a survey completion) inside the entry window, once per number per period;
// a draw at a time over the frozen entry list with a published seed hash, or instant win from winning moments.
import { z } from 'zod';
import { fillReply } from '../../domain/keywords.ts';
import { newId } from '../../domain/ids.ts';
import { drawsOf, entryCounts, hasWon, insertDraw, insertEntry, insertMoments, takeMoment, winnersOf } from '../../store/repos/lottery.ts';
import { defineService, noTiming, type Outcome, type ReplyDraft, type ServiceAt, type ServiceContext, type ServiceMo } from '../service.ts';
import { periodKey, pollPeriods } from '../poll/rules.ts';
import { awardPrizes, freezePrizes, prizeIssues, prizeSchema, prizeSlots, winText, type FrozenPrize } from './prizes.ts';
import { drawAlgorithm, drawSeed, sha256Hex, winningMoments } from './rules.ts';
import { localMinute } from '../local-time.ts';

const time = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO date-time such as 2026-12-01T00:00:00+08:00').transform((v) => new Date(v).toISOString());

const schema = z.object({
  mode: z.enum(['draw', 'instant']).default('draw'),
  opensAt: time,
  closesAt: time,
  drawAt: time.optional().describe('When the draw runs by itself (draw mode; default: when the window closes)'),
  period: z.enum(pollPeriods).default('once').describe('One entry per number per period'),
  winAgain: z.boolean().default(false).describe('Whether a number that has won may win again'),
  keywordEntry: z.boolean().default(true).describe('The keyword enters (false: entries only through the services in fedBy)'),
  fedBy: z.array(z.string().min(1).max(40)).max(10).default([]).describe('Services whose qualifying outcome enters the sender: a codes service (genuine first check), a survey (completion)'),
  prizes: z.array(prizeSchema).min(1).max(20),
  replies: z.object({
    entered: z.string().max(500).default('您已成功参加抽奖，开奖时间：{{drawAt}}。'),
    already: z.string().max(500).default('您本期已参加过抽奖，请勿重复参加。'),
    notOpen: z.string().max(500).default('抽奖活动尚未开始，开始时间：{{opensAt}}。'),
    closed: z.string().max(500).default('抽奖活动已结束，感谢关注。'),
    noKeywordEntry: z.string().max(500).default('查询正品防伪码即可参加抽奖。'),
    won: z.string().max(500).default('恭喜您中奖：{{prize}}！兑奖码：{{code}}。'),
    wonSubstitute: z.string().max(500).default('恭喜您中奖：{{prize}}！该奖品已发完，已为您改赠{{points}}积分。兑奖码：{{code}}。')
      .describe('A gift prize whose stock ran out, given as its substitutePoints'),
    wonOutOfStock: z.string().max(500).default('恭喜您中奖：{{prize}}！很抱歉，该奖品已发完（送完即止），感谢您的参与。')
      .describe('A gift prize whose stock ran out, without substitute points'),
    lost: z.string().max(500).default('很遗憾，本次未中奖，感谢参与！'),
  }).prefault({}),
}).superRefine((c, ctx) => {
  if (c.closesAt <= c.opensAt) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'closesAt must be after opensAt' });
  if (c.drawAt && c.drawAt < c.closesAt) ctx.addIssue({ code: 'custom', path: ['drawAt'], message: 'drawAt must not be before closesAt (the list is frozen when the window has closed)' });
  const keys = prizeSlots(c.prizes).map((p) => p.key);
  if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', path: ['prizes'], message: 'prize keys must differ' });
  for (const issue of prizeIssues(c.prizes)) ctx.addIssue({ code: 'custom', ...issue });
});
/** The rules of a lottery. */
export type LotteryConfig = z.infer<typeof schema>;

const timesOf = new WeakMap<LotteryConfig, { zone: string; vars: Record<'opensAt' | 'closesAt' | 'drawAt', string> }>();

/** The rules' times as the tenant's zone reads them, for the replies: formatted once per config (a version's rules never change) and zone. */
function ruleTimes(c: LotteryConfig, zone: string): Record<'opensAt' | 'closesAt' | 'drawAt', string> {
  const hit = timesOf.get(c);
  if (hit?.zone === zone) return hit.vars;
  const vars = { opensAt: localMinute(c.opensAt, zone), closesAt: localMinute(c.closesAt, zone), drawAt: localMinute(c.drawAt ?? c.closesAt, zone) };
  timesOf.set(c, { zone, vars });
  return vars;
}

/** Enters the sender (keyword or fed); the replies, and the category for the response. */
async function enter(ctx: ServiceContext, svc: ServiceAt<LotteryConfig>, mo: ServiceMo, source: { type: string; id: string }): Promise<{ replies: ReplyDraft[]; category: string }> {
  const c = svc.config;
  const now = ctx.now.toISOString();
  const vars = ruleTimes(c, ctx.zone);
  if (now < c.opensAt) return { replies: [{ text: fillReply(c.replies.notOpen, vars) }], category: 'not_open' };
  if (now >= c.closesAt) return { replies: [{ text: fillReply(c.replies.closed, vars) }], category: 'closed' };
  const entryId = newId(ctx.now.getTime());
  const entered = await insertEntry(ctx.bulk, {
    id: entryId, tenant_id: svc.tenantId, service_id: svc.id, period: periodKey(mo.receivedAt, c.period, ctx.zone), phone: mo.phone, contact_id: mo.contactId,
    source_type: source.type, source_id: source.id, created_at: now,
  });
  if (!entered) return { replies: [{ text: fillReply(c.replies.already, vars) }], category: 'already' };
  if (c.mode === 'draw') return { replies: [{ text: fillReply(c.replies.entered, vars) }], category: 'entered' };
  const prize = !c.winAgain && await hasWon(ctx.db, svc.id, mo.phone) ? null : await takeMoment(ctx.db, svc.id, entryId, now);
  if (!prize) return { replies: [{ text: fillReply(c.replies.lost, vars) }], category: 'lost' };
  const [draw] = await drawsOf(ctx.db, svc.tenantId, svc.id);
  const [w] = await awardPrizes(ctx.db, svc.tenantId, svc.id, null, JSON.parse(draw.prizes) as FrozenPrize[], [{ entryId, phone: mo.phone, contactId: mo.contactId, prize }], ctx.now);
  return { replies: [{ text: winText(c.replies, w, vars) }], category: 'won' };
}

/** The entry keyword: an entry (when the keyword enters), its reply and its response. */
async function byKeyword(ctx: ServiceContext, svc: ServiceAt<LotteryConfig>, mo: ServiceMo): Promise<Outcome> {
  if (!svc.config.keywordEntry) return { replies: [{ text: svc.config.replies.noKeywordEntry }], responses: [{ step: null, raw: mo.text, value: null, category: 'no_keyword_entry', valid: false }] };
  const r = await enter(ctx, svc, mo, { type: 'keyword', id: mo.inboundId });
  return { replies: r.replies, responses: [{ step: null, raw: mo.text, value: null, category: r.category, valid: ['entered', 'won', 'lost'].includes(r.category) }] };
}

/** The lottery service type. */
export const lottery = defineService({
  type: 'lottery',
  labels: { zh: '短信抽奖', en: 'SMS lottery', ru: 'SMS-лотерея' },
  schema,
  frozen: true,
  interruptible: () => true,
  timing: () => noTiming,
  fedBy: (c) => c.fedBy,
  round: async (deps) => (await import('./draws.ts')).runDueDraws(deps),
  start: byKeyword,
  answer: (ctx, svc, mo) => byKeyword(ctx, svc, mo),
  async feed(ctx, svc, mo, source) {
    const r = await enter(ctx, svc, mo, { type: source.type, id: source.inboundId });
    // a qualifying check outside the window or a second one in a period says nothing about the lottery
    return ['entered', 'won', 'lost'].includes(r.category) ? r.replies : [];
  },
  async opened(ctx, svc) {
    const c = svc.config;
    const exists = await ctx.db.selectFrom('lottery_draws').select('id').where('service_id', '=', svc.id).executeTakeFirst();
    if (exists) return;
    const id = newId(ctx.now.getTime());
    const seed = drawSeed(ctx.secret(), id);
    const prizes = await freezePrizes(ctx.db, svc.tenantId, c.prizes);
    await insertDraw(ctx.db, {
      id, tenant_id: svc.tenantId, service_id: svc.id, kind: c.mode, status: 'committed', algorithm: drawAlgorithm, seed_hash: sha256Hex(seed), seed: null,
      prizes: JSON.stringify(prizes), win_again: c.winAgain ? 1 : 0, entries: null, entries_hash: null, winners: null, all_win: null,
      draw_at: c.mode === 'draw' ? c.drawAt ?? c.closesAt : null, created_at: ctx.now.toISOString(), drawn_at: null,
    });
    if (c.mode === 'instant') await insertMoments(ctx.db, svc.tenantId, svc.id, winningMoments(seed, c.opensAt, c.closesAt, prizes).map((m) => ({ id: newId(), ...m })));
  },
  async results(ctx, svc) {
    const winners = await winnersOf(ctx.db, svc.tenantId, svc.id);
    const byPrize: Record<string, number> = Object.create(null) as Record<string, number>;
    const byAward: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const w of winners) {
      byPrize[w.prize] = (byPrize[w.prize] ?? 0) + 1;
      byAward[w.award] = (byAward[w.award] ?? 0) + 1;
    }
    const [draw] = await drawsOf(ctx.db, svc.tenantId, svc.id);
    const prizes = draw ? JSON.parse(draw.prizes) as FrozenPrize[] : prizeSlots(svc.config.prizes);
    return { mode: svc.config.mode, entries: await entryCounts(ctx.db, svc.tenantId, svc.id), winners: winners.length, byPrize: { ...byPrize }, byAward: { ...byAward }, prizes };
  },
});
