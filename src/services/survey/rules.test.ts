import { describe, expect, it } from 'vitest';
import { nextQuestion, parseAnswer, questionsProblems, type Question } from './rules.ts';

const qs: Question[] = [
  { id: 'a', text: 'A?', kind: 'choice', options: [{ name: 'x', next: 'c' }, { name: 'y' }] },
  { id: 'b', text: 'B?', kind: 'number', min: 1, max: 5, otherNext: 'end' },
  { id: 'c', text: 'C?', kind: 'yesno' },
];

describe('survey rules', () => {
  it('parses answers by kind: numbers in range (full-width too), yes/no words, options', () => {
    expect(parseAnswer(qs[1], '３')).toEqual({ value: '3', category: 'number' });
    expect(parseAnswer(qs[1], '9')).toBeNull();
    expect(parseAnswer(qs[1], 'abc')).toBeNull();
    expect(parseAnswer(qs[2], '是')).toEqual({ value: 'yes', category: 'yes' });
    expect(parseAnswer(qs[2], 'no')).toEqual({ value: 'no', category: 'no' });
    expect(parseAnswer(qs[2], 'N')).toBeNull();
    expect(parseAnswer(qs[0], 'y')).toEqual({ value: '2', category: '2' });
  });
  it('branches on the answer, the "other" branch, and the end', () => {
    expect(nextQuestion(qs, qs[0], '1')?.id).toBe('c');
    expect(nextQuestion(qs, qs[0], '2')?.id).toBe('b');
    expect(nextQuestion(qs, qs[1], 'other')).toBeNull();
    expect(nextQuestion(qs, qs[1], 'number')?.id).toBe('c');
    expect(nextQuestion(qs, qs[2], 'yes')).toBeNull();
  });
  it('reports missing questions, duplicate ids and bad ranges', () => {
    const bad: Question[] = [{ id: 'a', text: 't', kind: 'number', min: 5, max: 1, next: 'zz' }, { id: 'a', text: 't', kind: 'choice', options: [{ name: 'o' }] }];
    expect(questionsProblems(bad).map((p) => p.message)).toEqual([
      'question id a appears twice', 'question a goes to a missing question zz', 'question a: min is above max', 'choice question a needs at least two options',
    ]);
  });
});
