// Pure rules of a poll: the voting period in the tenant's zone, and tallies over the responses.
import { DateTime } from 'luxon';

/** How often a number may vote. */
export const pollPeriods = ['once', 'day', 'week', 'month'] as const;
/** One of the voting periods. */
export type PollPeriod = (typeof pollPeriods)[number];

/** The period an instant falls in, in `zone`: 'all', '2026-12-06', '2026-W49', '2026-12'. */
export function periodKey(at: string | Date, period: PollPeriod, zone: string): string {
  if (period === 'once') return 'all';
  const d = DateTime.fromJSDate(typeof at === 'string' ? new Date(at) : at, { zone });
  if (period === 'day') return d.toISODate() ?? 'invalid';
  if (period === 'week') return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
  return d.toFormat('yyyy-MM');
}

/** A vote as kept in the responses. */
export interface Vote { phone: string; period: string | null; option: string | null; valid: boolean; receivedAt: string }

/**
 * Counts per option: one vote per (number, period) — the first one, or the latest when votes may change.
 * Invalid answers do not count.
 */
export function tally(votes: readonly Vote[], optionKeys: readonly string[], allowChange: boolean): { counts: Map<string, number>; voters: number } {
  const chosen = new Map<string, string>();
  const sorted = [...votes].filter((v) => v.valid && v.option !== null).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  for (const v of sorted) {
    const slot = `${v.period ?? ''}|${v.phone}`;
    if (!allowChange && chosen.has(slot)) continue;
    chosen.set(slot, v.option!);
  }
  const counts = new Map<string, number>(optionKeys.map((k) => [k, 0]));
  for (const o of chosen.values()) if (counts.has(o)) counts.set(o, counts.get(o)! + 1);
  return { counts, voters: new Set([...chosen.keys()].map((k) => k.split('|')[1])).size };
}

/** The standing as one line: "A 12 · B 8". */
export function standingLine(counts: ReadonlyMap<string, number>, names: ReadonlyMap<string, string>): string {
  return [...counts].map(([k, n]) => `${names.get(k) ?? k} ${n}`).join(' · ');
}
