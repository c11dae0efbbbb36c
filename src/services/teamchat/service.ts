// Team group chat (团队群聊): a team owns a number (or extension); a member's text is relayed to every other member
// as 【name】text; non-members are refused or, in an open team, join by a keyword; #list #mute #exit #name X;
// automatic replies and our own relays are never relayed; a daily budget of copies stops a runaway.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { fillReply, normalizeKeyword } from '../../domain/keywords.ts';
import { defineService, noTiming, type Outcome } from '../service.ts';
import { cleanName, looksRelayed, parseCommand, relayTargets, relayText, type TeamMember } from './rules.ts';

const schema = z.object({
  open: z.boolean().default(false),
  joinWord: z.string().min(1).max(20).default('加入'),
  /** Relay copies a day (in the tenant's zone) before the team stops relaying. */
  dailyBudget: z.number().int().min(1).max(1_000_000).default(500),
  welcome: z.string().max(300).default('欢迎加入{{team}}，您的昵称：{{name}}。发送 #list 查看成员，#exit 退出。'),
  refused: z.string().max(300).default('您不是本群成员。'),
  howToJoin: z.string().max(300).default('发送“{{joinWord}} 昵称”加入{{team}}。'),
  budgetSpent: z.string().max(300).default('今日群发额度已用完，消息未转发。'),
});

const ack = (text: string, category: string, raw: string): Outcome => ({ replies: [{ text }], responses: [{ step: null, raw, value: null, category, valid: true }] });

/** The team chat service type. */
export const teamchat = defineService({
  type: 'teamchat',
  labels: { zh: '团队群聊', en: 'Team chat', ru: 'Групповой чат' },
  schema,
  ownsAddress: true,
  configKeywords: (c) => (c.open ? [c.joinWord] : []),
  interruptible: () => true,
  timing: () => noTiming,
  async start(ctx, svc, mo): Promise<Outcome> {
    const c = svc.config;
    const raw = mo.text;
    const member = await ctx.entries.get<TeamMember>('member', mo.phone);
    const joining = mo.keyword !== null && mo.keyword !== '' && mo.keyword === normalizeKeyword(c.joinWord);
    if (!member) {
      if (c.open && joining) {
        const name = cleanName(mo.arg) || mo.phone.slice(-4);
        await ctx.entries.put('member', mo.phone, { name } satisfies TeamMember);
        return ack(fillReply(c.welcome, { team: svc.name, name }), 'join', raw);
      }
      const text = c.open ? fillReply(c.howToJoin, { joinWord: c.joinWord, team: svc.name }) : c.refused;
      return { replies: [{ text }], responses: [{ step: null, raw, value: null, category: 'refused', valid: false }] };
    }
    if (looksRelayed(raw)) return { replies: [], responses: [{ step: null, raw, value: null, category: 'loop', valid: false }] };
    const cmd = parseCommand(raw);
    if (cmd?.kind === 'list') {
      const all = await ctx.entries.list<TeamMember>('member');
      return ack(`${svc.name}（${all.length}）：${all.map((m) => m.value.name + (m.value.muted ? '（免打扰）' : '')).join('、')}`, 'command', raw);
    }
    if (cmd?.kind === 'mute' || cmd?.kind === 'unmute') {
      await ctx.entries.put('member', mo.phone, { ...member, muted: cmd.kind === 'mute' });
      return ack(cmd.kind === 'mute' ? '已开启免打扰，发送 #unmute 恢复。' : '已恢复接收群消息。', 'command', raw);
    }
    if (cmd?.kind === 'exit') {
      await ctx.entries.remove('member', mo.phone);
      return ack(`您已退出${svc.name}。`, 'leave', raw);
    }
    if (cmd?.kind === 'name') {
      await ctx.entries.put('member', mo.phone, { ...member, name: cmd.name });
      return ack(`昵称已改为：${cmd.name}`, 'command', raw);
    }
    const members = (await ctx.entries.list<TeamMember>('member')).map((m) => ({ phone: m.key, member: m.value }));
    const targets = relayTargets(members, mo.phone, await ctx.optedOut(members.map((m) => m.phone)));
    if (!targets.length) return { replies: [], responses: [{ step: null, raw, value: '0', category: 'relay', valid: true }] };
    const day = DateTime.fromJSDate(ctx.now, { zone: ctx.zone }).toISODate() ?? 'day';
    const spent = await ctx.entries.add('budget', day, targets.length);
    if (spent > c.dailyBudget) {
      await ctx.entries.add('budget', day, -targets.length);
      return { replies: [{ text: c.budgetSpent }], responses: [{ step: null, raw, value: null, category: 'over_budget', valid: false }] };
    }
    return {
      replies: [{ text: relayText(member.name, raw), to: targets }], relay: true,
      responses: [{ step: null, raw, value: String(targets.length), category: 'relay', valid: true }],
    };
  },
  answer: async () => ({ replies: [], responses: [] }),
  async results(ctx, _svc, responses) {
    const members = await ctx.entries.list<TeamMember>('member');
    const relays = responses.filter((r) => r.category === 'relay');
    return {
      members: members.map((m) => ({ phone: m.key, name: m.value.name, muted: !!m.value.muted })),
      messages: relays.length, copies: relays.reduce((s, r) => s + (Number(r.value) || 0), 0),
      budget: (await ctx.entries.list<number>('budget')).map((b) => ({ day: b.key, copies: Number(b.value) })),
    };
  },
});
