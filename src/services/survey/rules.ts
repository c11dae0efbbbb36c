// Pure rules of a survey: questions, parsing an answer by the question's kind, branching, and the funnel.
import { z } from 'zod';
import { normalizeKeyword } from '../../domain/keywords.ts';
import { optionSchema, optionsOf, optionsProblem, pickOption } from '../choices.ts';

/** Where to go after a question: another question's id, or 'end'. */
const target = z.string().min(1).max(50);

/** A survey question. */
export const questionSchema = z.object({
  id: z.string().min(1).max(50),
  text: z.string().min(1).max(500),
  kind: z.enum(['choice', 'number', 'text', 'yesno']),
  options: z.array(optionSchema.extend({ next: target.optional() })).max(50).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Next question after a valid answer (default: the following one). */
  next: target.optional(),
  /** Next question after too many invalid answers (default: as `next`). */
  otherNext: target.optional(),
});
/** A survey question. */
export type Question = z.infer<typeof questionSchema>;

/** Problems of a question list: duplicate ids, branches to missing questions, bad options or ranges. */
export function questionsProblems(questions: readonly Question[]): Array<{ path: (string | number)[]; message: string }> {
  const out: Array<{ path: (string | number)[]; message: string }> = [];
  const ids = new Set<string>();
  questions.forEach((q, i) => {
    if (ids.has(q.id)) out.push({ path: [i, 'id'], message: `question id ${q.id} appears twice` });
    ids.add(q.id);
  });
  const exists = (t: string | undefined) => t === undefined || t === 'end' || ids.has(t);
  questions.forEach((q, i) => {
    if (!exists(q.next)) out.push({ path: [i, 'next'], message: `question ${q.id} goes to a missing question ${q.next}` });
    if (!exists(q.otherNext)) out.push({ path: [i, 'otherNext'], message: `question ${q.id} goes to a missing question ${q.otherNext}` });
    if (q.kind === 'choice') {
      if (!q.options || q.options.length < 2) out.push({ path: [i, 'options'], message: `choice question ${q.id} needs at least two options` });
      else {
        const p = optionsProblem(q.options);
        if (p) out.push({ path: [i, 'options'], message: p });
        q.options.forEach((o, j) => { if (!exists(o.next)) out.push({ path: [i, 'options', j, 'next'], message: `option ${o.name} goes to a missing question ${o.next}` }); });
      }
    }
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) out.push({ path: [i, 'min'], message: `question ${q.id}: min is above max` });
  });
  return out;
}

/** A parsed answer: its value and category (option key, yes/no, number, text), or null when invalid. */
export function parseAnswer(q: Question, raw: string): { value: string; category: string } | null {
  const text = raw.normalize('NFKC').trim();
  if (!text) return null;
  if (q.kind === 'text') return { value: text.slice(0, 1000), category: 'text' };
  if (q.kind === 'number') {
    const m = /^[-+]?\d+(?:\.\d+)?$/.exec(text.replace(/[\s,]/g, ''));
    if (!m) return null;
    const n = Number(m[0]);
    if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max)) return null;
    return { value: String(n), category: 'number' };
  }
  if (q.kind === 'yesno') {
    // N, Н and T are opt-out words, answered before any service: "no" is 否 / NO / НЕТ / 2
    const n = normalizeKeyword(text);
    if (['Y', 'YES', '是', '是的', '对', '好', '1', 'ДА'].includes(n)) return { value: 'yes', category: 'yes' };
    if (['NO', '否', '不', '不是', '不要', '2', 'НЕТ'].includes(n)) return { value: 'no', category: 'no' };
    return null;
  }
  const o = pickOption(optionsOf(q.options ?? []), text);
  return o ? { value: o.key, category: o.key } : null;
}

/** The question after `q` for an answer category ('other' after too many invalid answers), or null at the end. */
export function nextQuestion(questions: readonly Question[], q: Question, category: string): Question | null {
  let to: string | undefined;
  if (category === 'other') to = q.otherNext ?? q.next;
  else if (q.kind === 'choice') to = optionsOf(q.options ?? []).map((o, i) => ({ o, next: q.options![i].next })).find((x) => x.o.key === category)?.next ?? q.next;
  else to = q.next;
  if (to === 'end') return null;
  if (to) return questions.find((x) => x.id === to) ?? null;
  const i = questions.findIndex((x) => x.id === q.id);
  return questions[i + 1] ?? null;
}

/** The prompt of a question: its text, the options or the expected form. */
export function promptOf(q: Question): string {
  if (q.kind === 'choice') return `${q.text}\n${optionsOf(q.options ?? []).map((o) => `${o.key}. ${o.name}`).join('\n')}`;
  if (q.kind === 'yesno') return `${q.text}（回复 是 或 否）`;
  if (q.kind === 'number' && (q.min !== undefined || q.max !== undefined)) return `${q.text}（${q.min ?? ''}–${q.max ?? ''}）`;
  return q.text;
}

/** Per-question funnel: how many conversations reached each question and answered it validly. */
export function funnel(questions: readonly Question[], answers: ReadonlyArray<{ conversationId: string | null; step: string | null; valid: boolean; category: string }>, started: number):
Array<{ id: string; reached: number; answered: number; rate: number; categories: Record<string, number> }> {
  return questions.map((q) => {
    const mine = answers.filter((a) => a.step === q.id);
    const reached = new Set(mine.map((a) => a.conversationId)).size;
    const answered = new Set(mine.filter((a) => a.valid || a.category === 'other').map((a) => a.conversationId)).size;
    const categories: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const a of mine) if (a.valid || a.category === 'other') categories[a.category] = (categories[a.category] ?? 0) + 1;
    return { id: q.id, reached, answered, rate: started ? answered / started : 0, categories };
  });
}
