// Quiz (有奖答题): questions with correct answers and aliases, points per question, attempts per question, the
// total score on completion and a leaderboard (one play per number; ties by the carrier's timestamp).
import { z } from 'zod';
import { fillReply } from '../../domain/keywords.ts';
import { defineService, type Outcome } from '../service.ts';
import { timingFields, timingOf } from '../timing.ts';
import { isCorrect, leaderboard, type Play } from './rules.ts';

const questionSchema = z.object({
  id: z.string().min(1).max(50),
  text: z.string().min(1).max(500),
  answer: z.string().min(1).max(100),
  aliases: z.array(z.string().min(1).max(100)).max(20).default([]),
  points: z.number().int().min(0).max(1000).default(1),
  attempts: z.number().int().min(1).max(10).default(1),
});

const schema = z.object({
  intro: z.string().max(500).default(''),
  questions: z.array(questionSchema).min(1).max(100),
  correct: z.string().max(200).default('回答正确！'),
  wrong: z.string().max(200).default('回答错误，正确答案：{{answer}}'),
  retry: z.string().max(200).default('不对，请再试一次（还有 {{left}} 次机会）'),
  completed: z.string().max(500).default('答题结束，您的得分：{{score}}/{{total}}'),
  played: z.string().max(200).default('您已参加过本次答题，得分 {{score}}。'),
  interruptible: z.boolean().default(false),
  ...timingFields,
}).superRefine((c, ctx) => {
  const ids = new Set<string>();
  c.questions.forEach((q, i) => {
    if (ids.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `question id ${q.id} appears twice` });
    ids.add(q.id);
  });
});

/** The quiz service type. */
export const quiz = defineService({
  type: 'quiz',
  labels: { zh: '有奖答题', en: 'Quiz', ru: 'Викторина' },
  schema,
  interruptible: (c) => c.interruptible,
  timing: (c) => timingOf(c),
  async start(ctx, svc, mo) {
    const c = svc.config;
    // one play per number: a second keyword gets the first play's score
    if (!await ctx.entries.claim('player', mo.phone, { startedAt: mo.receivedAt })) {
      const p = await ctx.entries.get<{ score?: number }>('player', mo.phone);
      return { replies: [{ text: fillReply(c.played, { score: p?.score ?? 0 }) }], responses: [] };
    }
    const q = c.questions[0];
    return { replies: [{ text: c.intro ? `${c.intro}\n${q.text}` : q.text }], responses: [], conversation: { wait: { step: q.id, data: { score: 0 }, prompt: q.text } } };
  },
  async answer(ctx, svc, mo, conv): Promise<Outcome> {
    const c = svc.config;
    const i = Math.max(0, c.questions.findIndex((x) => x.id === conv.step));
    const q = c.questions[i];
    const right = isCorrect(mo.arg, q.answer, q.aliases);
    const score = Number(conv.data.score) || 0;
    if (!right && conv.retries + 1 < q.attempts) {
      return {
        replies: [{ text: fillReply(c.retry, { left: q.attempts - conv.retries - 1 }) }],
        responses: [{ step: q.id, raw: mo.text, value: mo.arg, category: 'wrong', valid: false, score: 0 }],
        conversation: { wait: { step: q.id, data: conv.data, prompt: q.text, retries: conv.retries + 1 } },
      };
    }
    const total = score + (right ? q.points : 0);
    const response = { step: q.id, raw: mo.text, value: mo.arg, category: right ? 'correct' : 'wrong', valid: right, score: right ? q.points : 0 };
    const feedback = right ? c.correct : fillReply(c.wrong, { answer: q.answer });
    const next = c.questions[i + 1];
    if (!next) {
      const max = c.questions.reduce((s, x) => s + x.points, 0);
      await ctx.entries.put('player', mo.phone, { score: total, finishedAt: mo.receivedAt });
      return {
        replies: [{ text: `${feedback}\n${fillReply(c.completed, { score: total, total: max })}` }], responses: [response],
        conversation: { end: 'completed' }, completed: { score: total, maxScore: max },
      };
    }
    return { replies: [{ text: `${feedback}\n${next.text}` }], responses: [response], conversation: { wait: { step: next.id, data: { score: total }, prompt: next.text } } };
  },
  async results(ctx, svc, responses, conversations) {
    const players = await ctx.entries.list<{ score?: number; finishedAt?: string }>('player');
    const plays: Play[] = players.filter((p) => p.value?.finishedAt).map((p) => ({ phone: p.key, score: Number(p.value.score) || 0, finishedAt: p.value.finishedAt! }));
    const perQuestion = svc.config.questions.map((q) => {
      const mine = responses.filter((r) => r.step === q.id && (r.valid || r.category === 'wrong'));
      const finalAnswers = new Map<string, boolean>();
      for (const r of mine) if (r.valid || !finalAnswers.has(r.conversationId ?? r.phone)) finalAnswers.set(r.conversationId ?? r.phone, r.valid || (finalAnswers.get(r.conversationId ?? r.phone) ?? false));
      const correct = [...finalAnswers.values()].filter(Boolean).length;
      return { id: q.id, answered: finalAnswers.size, correct, correctRate: finalAnswers.size ? correct / finalAnswers.size : 0 };
    });
    return { players: players.length, finished: plays.length, conversations, questions: perQuestion, leaderboard: leaderboard(plays) };
  },
});
