// Survey (问卷调查): ordered questions (choice, number with range, free text, yes/no) with branching, asked one
// by one in a conversation; invalid answers re-prompt, then the "other" branch; completion rate per question.
import { z } from 'zod';
import { defineService, type Outcome } from '../service.ts';
import { timingFields, timingOf } from '../timing.ts';
import { funnel, nextQuestion, parseAnswer, promptOf, questionSchema, questionsProblems } from './rules.ts';

const schema = z.object({
  intro: z.string().max(500).default(''),
  questions: z.array(questionSchema).min(1).max(100),
  completed: z.string().max(500).default('问卷已完成，感谢您的参与！'),
  invalid: z.string().max(200).default('回答无效，请重新回答：'),
  /** Whether another service's keyword during the survey starts that service (true) or is taken as an answer. */
  interruptible: z.boolean().default(true),
  ...timingFields,
}).superRefine((c, ctx) => {
  for (const p of questionsProblems(c.questions)) ctx.addIssue({ code: 'custom', path: ['questions', ...p.path], message: p.message });
});

/** The survey service type. */
export const survey = defineService({
  type: 'survey',
  labels: { zh: '问卷调查', en: 'Survey', ru: 'Опрос' },
  schema,
  interruptible: (c) => c.interruptible,
  timing: (c) => timingOf(c),
  async start(_ctx, svc) {
    const q = svc.config.questions[0];
    const prompt = promptOf(q);
    const text = svc.config.intro ? `${svc.config.intro}\n${prompt}` : prompt;
    return { replies: [{ text }], responses: [], conversation: { wait: { step: q.id, data: {}, prompt } } };
  },
  async answer(_ctx, svc, mo, conv): Promise<Outcome> {
    const c = svc.config;
    const q = c.questions.find((x) => x.id === conv.step) ?? c.questions[0];
    const parsed = parseAnswer(q, mo.arg);
    if (!parsed && conv.retries < c.maxRetries) {
      const prompt = promptOf(q);
      return {
        replies: [{ text: `${c.invalid}\n${prompt}` }], responses: [{ step: q.id, raw: mo.text, value: null, category: 'invalid', valid: false }],
        conversation: { wait: { step: q.id, data: conv.data, prompt, retries: conv.retries + 1 } },
      };
    }
    const category = parsed?.category ?? 'other';
    const response = { step: q.id, raw: mo.text, value: parsed?.value ?? null, category, valid: parsed !== null };
    const next = nextQuestion(c.questions, q, category);
    if (!next) {
      const answered = (Number(conv.data.answered) || 0) + 1;
      return { replies: [{ text: c.completed }], responses: [response], conversation: { end: 'completed' }, completed: { answered } };
    }
    const prompt = promptOf(next);
    return { replies: [{ text: prompt }], responses: [response], conversation: { wait: { step: next.id, data: { answered: (Number(conv.data.answered) || 0) + 1 }, prompt } } };
  },
  async results(_ctx, svc, responses, conversations) {
    const started = Object.values(conversations).reduce((a, b) => a + b, 0);
    const completed = conversations.completed ?? 0;
    return { started, completed, completionRate: started ? completed / started : 0, conversations, questions: funnel(svc.config.questions, responses, started) };
  },
});
