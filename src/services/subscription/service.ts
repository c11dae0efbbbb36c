// Subscription / on-demand (订阅 / 点播): a list joined by the service's keywords and left by its leave words, with a
// confirmation and an optional expiry (its members are an audience for ordinary campaigns); or, on demand, the
// keyword returns the latest item of a content list.
import { z } from 'zod';
import { fillReply, normalizeKeyword } from '../../domain/keywords.ts';
import { defineService, noTiming } from '../service.ts';

const schema = z.object({
  mode: z.enum(['list', 'ondemand']).default('list'),
  leaveKeywords: z.array(z.string().min(1).max(30)).max(20).default([]),
  /** Days a subscription lasts (0 = until left). */
  days: z.number().int().min(0).max(3650).default(0),
  joined: z.string().max(500).default('订阅成功！{{until}}回复{{leave}}取消订阅。'),
  already: z.string().max(500).default('您已订阅。'),
  left: z.string().max(500).default('您已取消订阅。'),
  notMember: z.string().max(500).default('您尚未订阅。'),
  empty: z.string().max(500).default('暂无内容，请稍后再试。'),
});
type SubscriptionConfig = z.infer<typeof schema>;

/** A member of a list. */
export interface Member { joinedAt: string; expiresAt: string | null }

function isLeave(c: SubscriptionConfig, keyword: string | null): boolean {
  return keyword !== null && c.leaveKeywords.some((k) => normalizeKeyword(k) === keyword);
}

/** Whether a member counts at `now` (not expired). */
export function activeMember(m: Member | undefined, now: string): boolean {
  return !!m && (!m.expiresAt || m.expiresAt > now);
}

/** The subscription service type. */
export const subscription = defineService({
  type: 'subscription',
  labels: { zh: '订阅 / 点播', en: 'Subscription / on demand', ru: 'Подписка / по запросу' },
  schema,
  configKeywords: (c) => c.leaveKeywords,
  interruptible: () => true,
  timing: () => noTiming,
  async start(ctx, svc, mo) {
    const c = svc.config;
    const now = ctx.now.toISOString();
    if (c.mode === 'ondemand') {
      const items = await ctx.entries.list<{ text: string }>('item');
      const latest = items.at(-1);
      return { replies: [{ text: latest?.value.text ?? c.empty }], responses: [{ step: null, raw: mo.text, value: latest?.key ?? null, category: latest ? 'item' : 'empty', valid: !!latest }] };
    }
    if (isLeave(c, mo.keyword)) {
      const m = await ctx.entries.get<Member>('member', mo.phone);
      const was = activeMember(m, now);
      if (m) await ctx.entries.remove('member', mo.phone);
      return { replies: [{ text: was ? c.left : c.notMember }], responses: [{ step: null, raw: mo.text, value: null, category: 'leave', valid: was }] };
    }
    const expiresAt = c.days ? new Date(ctx.now.getTime() + c.days * 86_400_000).toISOString() : null;
    const member: Member = { joinedAt: now, expiresAt };
    let fresh = await ctx.entries.claim('member', mo.phone, member);
    if (!fresh && !activeMember(await ctx.entries.get<Member>('member', mo.phone), now)) {
      await ctx.entries.put('member', mo.phone, member);
      fresh = true;
    }
    const until = expiresAt ? `有效期至${expiresAt.slice(0, 10)}。` : '';
    const text = fresh ? fillReply(c.joined, { until, leave: c.leaveKeywords[0] ?? '' }) : c.already;
    return { replies: [{ text }], responses: [{ step: null, raw: mo.text, value: null, category: fresh ? 'join' : 'already', valid: fresh }] };
  },
  answer: async () => ({ replies: [], responses: [] }),
  async results(ctx, svc, responses) {
    const now = ctx.now.toISOString();
    if (svc.config.mode === 'ondemand') {
      return { items: (await ctx.entries.list('item')).length, requests: responses.length };
    }
    const members = await ctx.entries.list<Member>('member');
    const count = (cat: string) => responses.filter((r) => r.category === cat && r.valid).length;
    return { members: members.filter((m) => activeMember(m.value, now)).length, expired: members.filter((m) => !activeMember(m.value, now)).length, joins: count('join'), leaves: count('leave') };
  },
});
