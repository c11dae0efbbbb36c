import { describe, expect, it } from 'vitest';
import { DrawStream, drawAlgorithm, drawWinners, entriesHash, entryLines, sha256Hex, verifyAudit, winningMoments, type DrawAudit } from './rules.ts';

const seed = 'ab'.repeat(32);
const entries = Array.from({ length: 50 }, (_, i) => ({ id: `e${String(i).padStart(3, '0')}`, phone: `+861380000${String(i % 40).padStart(4, '0')}` }));

function auditOf(winAgain: boolean): DrawAudit {
  const lines = entryLines(entries);
  const prizes = [{ key: 'A', name: 'first', count: 1 }, { key: 'B', name: 'second', count: 3 }];
  const r = drawWinners(seed, lines, prizes, winAgain);
  return { algorithm: drawAlgorithm, seed, seedHash: sha256Hex(seed), entries: lines, entriesHash: entriesHash(lines), prizes, winAgain, winners: r.winners, allWin: r.allWin };
}

describe('lottery draw rules', () => {
  it('draws the same winners from the same seed and list, different ones from another seed', () => {
    const a = auditOf(false);
    expect(a.winners).toHaveLength(4);
    expect(verifyAudit(a)).toMatchObject({ ok: true, problems: [] });
    const other = drawWinners('cd'.repeat(32), a.entries, a.prizes, false);
    expect(other.winners.map((w) => w.entryId)).not.toEqual(a.winners.map((w) => w.entryId));
  });
  it('says mismatch when the list, the seed or the winners were changed', () => {
    const a = auditOf(false);
    expect(verifyAudit({ ...a, entries: [...a.entries.slice(1), 'e999:+8613800009999'] }).problems.join()).toMatch(/list was changed/);
    expect(verifyAudit({ ...a, seed: 'cd'.repeat(32) }).problems.join()).toMatch(/seed hash/);
    expect(verifyAudit({ ...a, winners: [...a.winners].reverse() }).ok).toBe(false);
  });
  it('gives one prize per number when past winners may not win again', () => {
    const a = auditOf(false);
    expect(new Set(a.winners.map((w) => w.phone)).size).toBe(a.winners.length);
  });
  it('lets every entry win when there are fewer entries than prizes, and says so', () => {
    const lines = entryLines(entries.slice(0, 2));
    const r = drawWinners(seed, lines, [{ key: 'A', name: 'a', count: 5 }], true);
    expect(r).toMatchObject({ allWin: true });
    expect(r.winners.map((w) => w.entryId).sort()).toEqual(['e000', 'e001']);
  });
  it('draws uniformly (no modulo bias): 3 buckets over 30,000 draws each within 3% of a third', () => {
    const s = new DrawStream(seed, 'x');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[s.below(3)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(300);
  });
  it('spreads instant-win moments inside the window, one per prize unit', () => {
    const m = winningMoments(seed, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', [{ key: 'A', name: 'a', count: 10 }, { key: 'B', name: 'b', count: 2 }]);
    expect(m).toHaveLength(12);
    for (const x of m) expect(x.at >= '2026-01-01T00:00:00.000Z' && x.at < '2026-01-02T00:00:00.000Z').toBe(true);
    expect(m.filter((x) => x.prize === 'B')).toHaveLength(2);
  });
});
