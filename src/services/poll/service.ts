// Poll / vote (投票): options by number, letter or name; one vote per number (or per day / week / month in the
// tenant's zone), changeable or not; live tallies and an optional standing in the answer.
import { z } from 'zod';
import { fillReply } from '../../domain/keywords.ts';
import { defineService, type Outcome, type ServiceAt, type ServiceContext, type ServiceMo } from '../service.ts';
import { optionLines, optionSchema, optionsOf, optionsProblem, pickOption } from '../choices.ts';
import { timingFields, timingOf } from '../timing.ts';
import { periodKey, pollPeriods, standingLine, tally } from './rules.ts';

const schema = z.object({
  question: z.string().min(1).max(500),
  options: z.array(optionSchema).min(2).max(50),
  period: z.enum(pollPeriods).default('once'),
  allowChange: z.boolean().default(false),
  showStanding: z.boolean().default(false),
  replies: z.object({
    voted: z.string().max(500).default('感谢投票：{{option}}。{{standing}}'),
    changed: z.string().max(500).default('已改投：{{option}}。{{standing}}'),
    already: z.string().max(500).default('您已投过票（{{option}}），感谢参与。'),
    invalid: z.string().max(500).default('无效选项，请回复：\n{{options}}'),
  }).prefault({}),
  ...timingFields,
}).superRefine((c, ctx) => {
  const p = optionsProblem(c.options);
  if (p) ctx.addIssue({ code: 'custom', path: ['options'], message: p });
});
type PollConfig = z.infer<typeof schema>;

function promptOf(c: PollConfig): string {
  return `${c.question}\n${optionLines(optionsOf(c.options))}`;
}

async function vote(ctx: ServiceContext, svc: ServiceAt<PollConfig>, mo: ServiceMo, answer: string, retries: number): Promise<Outcome> {
  const c = svc.config;
  const options = optionsOf(c.options);
  const picked = pickOption(options, answer);
  const names = new Map(options.map((o) => [o.key, o.name]));
  if (!picked) {
    const text = fillReply(c.replies.invalid, { options: optionLines(options) });
    const response = { step: null, raw: mo.text, value: null, category: 'invalid', valid: false };
    if (retries >= c.maxRetries) return { replies: [], responses: [{ ...response, category: 'other' }], conversation: { end: 'completed' } };
    return { replies: [{ text }], responses: [response], conversation: { wait: { step: 'vote', data: {}, prompt: promptOf(c), retries: retries + 1 } } };
  }
  const period = periodKey(mo.receivedAt, c.period, ctx.zone);
  const slot = `${period}|${mo.phone}`;
  const end = { end: 'completed' as const };
  let category = 'vote';
  if (!await ctx.entries.claim('vote', slot, { option: picked.key })) {
    const prev = await ctx.entries.get<{ option: string }>('vote', slot);
    if (!c.allowChange || !prev) {
      return { replies: [{ text: fillReply(c.replies.already, { option: names.get(prev?.option ?? '') ?? '' }) }], responses: [{ step: period, raw: mo.text, value: picked.key, category: 'already', valid: false }], conversation: end };
    }
    if (prev.option !== picked.key) {
      await ctx.entries.put('vote', slot, { option: picked.key });
      await ctx.entries.add('count', prev.option, -1);
      await ctx.entries.add('count', picked.key, 1);
    }
    category = 'change';
  } else {
    await ctx.entries.add('count', picked.key, 1);
  }
  let standing = '';
  if (c.showStanding) {
    const counts = new Map<string, number>();
    for (const o of options) counts.set(o.key, Math.max(0, Number(await ctx.entries.get('count', o.key) ?? 0)));
    standing = standingLine(counts, names);
  }
  const text = fillReply(category === 'vote' ? c.replies.voted : c.replies.changed, { option: picked.name, key: picked.key, standing });
  return { replies: [{ text }], responses: [{ step: period, raw: mo.text, value: picked.key, category, valid: true }], conversation: end };
}

/** The poll service type. */
export const poll = defineService({
  type: 'poll',
  labels: { zh: '投票', en: 'Poll', ru: 'Голосование' },
  schema,
  interruptible: () => true,
  timing: (c) => timingOf(c),
  async start(ctx, svc, mo) {
    if (!mo.arg) return { replies: [{ text: promptOf(svc.config) }], responses: [], conversation: { wait: { step: 'vote', data: {}, prompt: promptOf(svc.config) } } };
    return vote(ctx, svc, mo, mo.arg, 0);
  },
  answer: (ctx, svc, mo, conv) => vote(ctx, svc, mo, mo.arg, conv.retries),
  async results(_ctx, svc, responses) {
    const options = optionsOf(svc.config.options);
    const votes = responses.map((r) => ({ phone: r.phone, period: r.step, option: r.value, valid: r.valid, receivedAt: r.receivedAt }));
    const { counts, voters } = tally(votes, options.map((o) => o.key), svc.config.allowChange);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return {
      question: svc.config.question, voters, votes: total,
      options: options.map((o) => ({ key: o.key, name: o.name, votes: counts.get(o.key) ?? 0, share: total ? (counts.get(o.key) ?? 0) / total : 0 })),
      invalid: responses.filter((r) => !r.valid).length,
    };
  },
});
