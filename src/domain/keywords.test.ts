import { describe, expect, it } from 'vitest';
import { checkRule, defaultWordLists, fillReply, looksAutomated, matchRule, normalizeKeyword, WordMatcher, type KeywordRule } from './keywords.ts';

const rule = (r: Partial<KeywordRule>): KeywordRule => ({ id: r.id ?? 'r', name: 'n', match: 'exact', pattern: '', reply: null, position: 0, activeFrom: null, activeUntil: null, enabled: true, ...r });

describe('keyword normalisation', () => {
  it('is case- and width-insensitive and ignores punctuation and spaces', () => {
    expect(normalizeKeyword('Ｔ Ｄ')).toBe('TD');
    expect(normalizeKeyword(' t.d! ')).toBe('TD');
    expect(normalizeKeyword('стоп!')).toBe('СТОП');
    expect(normalizeKeyword('【退订】')).toBe('退订');
    expect(normalizeKeyword('\u200bSTOP\u3000')).toBe('STOP');
  });
});

describe('reserved words', () => {
  const m = new WordMatcher(defaultWordLists());
  it.each([
    ['TD', 'opt_out'], ['stop', 'opt_out'], ['Ｔ Ｄ', 'opt_out'], ['退订', 'opt_out'], ['退订了', 'opt_out'], ['T', 'opt_out'], ['n', 'opt_out'],
    ['Stop sending me these', 'opt_out'], ['UNSUBSCRIBE', 'opt_out'], ['СТОП', 'opt_out'], ['Отписаться', 'opt_out'], ['取消', 'opt_out'],
    ['START', 'opt_in'], ['订阅', 'opt_in'], ['help?', 'help'], ['帮助', 'help'], ['ПОМОЩЬ', 'help'],
  ])('"%s" is %s', (text, kind) => expect(m.classify(text)?.kind).toBe(kind));
  it.each(['No thanks', 'STOPPING by later', '取消订单', 'Tomorrow', '', '   ', '!!!'])('"%s" is no reserved word', (text) => expect(m.classify(text)).toBeNull());
  it('uses the tenant lists: a custom word, a removed default, opt-out winning a conflict', () => {
    const c = new WordMatcher({ opt_out: ['BASTA', 'NO*'], opt_in: ['BASTA', 'GO'], help: [] });
    expect(c.classify('basta')?.kind).toBe('opt_out');
    expect(c.classify('no more please')?.kind).toBe('opt_out');
    expect(c.classify('TD')).toBeNull();
    expect(defaultWordLists(['en']).opt_out).not.toContain('退订*');
  });
});

describe('rules', () => {
  const rules = [
    rule({ id: 'x', match: 'exact', pattern: 'HOURS', position: 3 }),
    rule({ id: 'p1', match: 'prefix', pattern: 'BUY' }),
    rule({ id: 'p2', match: 'prefix', pattern: 'BUY VIP' }),
    rule({ id: 're', match: 'pattern', pattern: '^order\\s*#?(\\d+)' }),
    rule({ id: 'old', match: 'exact', pattern: 'PROMO', activeUntil: '2020-01-01T00:00:00.000Z' }),
    rule({ id: 'off', match: 'exact', pattern: 'OFF', enabled: false }),
    rule({ id: 'all', match: 'catch_all' }),
  ];
  const now = '2024-06-01T00:00:00.000Z';
  it('prefers exact, then the longest prefix, then patterns, then the catch-all', () => {
    expect(matchRule(rules, 'hours', now)?.rule.id).toBe('x');
    expect(matchRule(rules, 'buy 2', now)).toMatchObject({ rule: { id: 'p1' }, rest: '2' });
    expect(matchRule(rules, 'Buy vip 3 seats', now)).toMatchObject({ rule: { id: 'p2' }, rest: '3 seats' });
    expect(matchRule(rules, 'ORDER #42', now)).toMatchObject({ rule: { id: 're' }, rest: '42' });
    expect(matchRule(rules, 'promo', now)?.rule.id).toBe('all');
    expect(matchRule(rules, 'off', now)?.rule.id).toBe('all');
    expect(matchRule(rules.filter((r) => r.id !== 'all'), 'nothing', now)).toBeNull();
  });
  it('validates rules and fills reply variables', () => {
    expect(checkRule({ match: 'pattern', pattern: '(', activeFrom: null, activeUntil: null })).toMatch(/regular expression/);
    expect(checkRule({ match: 'exact', pattern: '!!', activeFrom: null, activeUntil: null })).toMatch(/letter/);
    expect(checkRule({ match: 'exact', pattern: 'A', activeFrom: '2024-02-01', activeUntil: '2024-01-01' })).toMatch(/before/);
    expect(fillReply('Hi {{name|friend}}, order {{rest}}{{missing}}', { rest: '42', name: '' })).toBe('Hi friend, order 42');
  });
  it('recognises automatic replies', () => {
    expect(looksAutomated('Auto-Reply: out of office')).toBe(true);
    expect(looksAutomated('【自动回复】您好')).toBe(true);
    expect(looksAutomated('Автоответ: я в отпуске')).toBe(true);
    expect(looksAutomated('Can you reply tomorrow?')).toBe(false);
  });
});
