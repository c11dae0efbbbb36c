import { describe, expect, it } from 'vitest';
import { isCorrect, leaderboard } from './rules.ts';
import { looksRelayed, parseCommand, relayTargets } from '../teamchat/rules.ts';
import { tableRows } from '../inquiry/rules.ts';

describe('quiz, team chat and inquiry rules', () => {
  it('accepts the answer or an alias, case- and width-insensitive', () => {
    expect(isCorrect('ｂｅｉｊｉｎｇ', '北京', ['Beijing'])).toBe(true);
    expect(isCorrect(' 北京！', '北京')).toBe(true);
    expect(isCorrect('上海', '北京')).toBe(false);
    expect(isCorrect('', '北京')).toBe(false);
  });
  it('ranks by score, ties by the earlier finish, one row per number', () => {
    const board = leaderboard([
      { phone: 'a', score: 3, finishedAt: '2026-01-01T00:00:02Z' },
      { phone: 'b', score: 3, finishedAt: '2026-01-01T00:00:01Z' },
      { phone: 'c', score: 5, finishedAt: '2026-01-01T00:00:03Z' },
      { phone: 'b', score: 9, finishedAt: '2026-01-01T00:00:04Z' },
    ]);
    expect(board.map((r) => `${r.rank}${r.phone}${r.score}`)).toEqual(['1c5', '2b3', '3a3']);
  });
  it('team commands, relay echoes, and who gets a relay', () => {
    expect(parseCommand('＃ＬＩＳＴ')).toEqual({ kind: 'list' });
    expect(parseCommand('#name 小 李')).toEqual({ kind: 'name', name: '小 李' });
    expect(parseCommand('#name 【】')).toBeNull();
    expect(parseCommand('hello #list')).toBeNull();
    expect(looksRelayed('【张三】hi')).toBe(true);
    expect(looksRelayed('hi 【张三】')).toBe(false);
    const members = [{ phone: 'a', member: { name: 'A' } }, { phone: 'b', member: { name: 'B', muted: true } }, { phone: 'c', member: { name: 'C' } }, { phone: 'd', member: { name: 'D' } }];
    expect(relayTargets(members, 'a', new Set(['d']))).toEqual(['c']);
  });
  it('builds inquiry rows keyed by the first column; empty and repeated keys are reported with their line', () => {
    const t = tableRows([
      { line: 1, cells: ['单号', '状态'] }, { line: 2, cells: ['ａ-1', '到了'] }, { line: 3, cells: ['', 'x'] }, { line: 4, cells: ['A1', 'dup'] },
      { line: 5, cells: [null, null] }, { line: 6, cells: ['__proto__', 'ok'] },
    ]);
    expect(t.rows.map((r) => r.key)).toEqual(['A1', 'PROTO']);
    expect(t.rows[0].value['状态']).toBe('到了');
    expect(t.rejects).toEqual([{ line: 3, reason: 'empty_key', detail: '单号 is empty' }, { line: 4, reason: 'duplicate_key', detail: '单号 A1 appears again' }]);
  });
});
