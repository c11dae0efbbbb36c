// Pure rules of a quiz: whether an answer is right (answer or an alias, case/width-insensitive), and the leaderboard.
import { normalizeKeyword } from '../../domain/keywords.ts';

/** Whether `raw` is the answer or one of its aliases. */
export function isCorrect(raw: string, answer: string, aliases: readonly string[] = []): boolean {
  const a = normalizeKeyword(raw);
  return a !== '' && [answer, ...aliases].some((x) => normalizeKeyword(x) === a);
}

/** A finished play: the number, its total score and when its last answer arrived (the carrier's timestamp). */
export interface Play { phone: string; score: number; finishedAt: string }

/** Rank by score (highest first), ties by who finished first; one row per number (its first play). */
export function leaderboard(plays: readonly Play[], limit = 100): Array<Play & { rank: number }> {
  const first = new Map<string, Play>();
  for (const p of [...plays].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))) if (!first.has(p.phone)) first.set(p.phone, p);
  return [...first.values()].sort((a, b) => b.score - a.score || a.finishedAt.localeCompare(b.finishedAt)).slice(0, limit).map((p, i) => ({ ...p, rank: i + 1 }));
}
