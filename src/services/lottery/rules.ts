// Pure rules of a lottery: the seed commitment, the frozen entry list and its hash, the versioned draw algorithm
// (an HMAC-SHA256 counter stream with rejection sampling: no modulo bias), the instant-win moments, claim codes.
import { createHash, createHmac } from 'node:crypto';

/** The version of the draw algorithm an audit names; a new algorithm gets a new name, old audits keep theirs. */
export const drawAlgorithm = 'hmac-sha256-ctr-rejection/v1';

/** A prize of a lottery: `count` of them are given out. */
export interface PrizeSlot { key: string; name: string; count: number }

/** One entry of a frozen list: its id and the number that entered. */
export interface DrawEntry { id: string; phone: string }

/** A winner of a draw: the prize, the entry and its place in the sorted list. */
export interface DrawWinner { prize: string; entryId: string; phone: string; index: number }

/** The SHA-256 (hex) of a text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The entry list as frozen: sorted by id, one `id:phone` line each. */
export function entryLines(entries: readonly DrawEntry[]): string[] {
  return entries.map((e) => `${e.id}:${e.phone}`).sort();
}

/** The hash of a frozen entry list: SHA-256 of its lines joined by "\n". */
export function entriesHash(lines: readonly string[]): string {
  return sha256Hex(lines.join('\n'));
}

/** A uniform random stream from (seed, list hash): block i = HMAC-SHA256(seed, listHash ":" i), read 48 bits at a time. */
export class DrawStream {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;
  constructor(private readonly seed: string, private readonly listHash: string) {}

  private next48(): number {
    if (this.offset + 6 > this.block.length) {
      this.block = createHmac('sha256', Buffer.from(this.seed, 'hex')).update(`${this.listHash}:${this.counter++}`).digest();
      this.offset = 0;
    }
    const v = this.block.readUIntBE(this.offset, 6);
    this.offset += 6;
    return v;
  }

  /** A uniform integer in [0, n): values at or above the largest multiple of n below 2^48 are rejected and drawn again. */
  below(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 47) throw new RangeError(`cannot draw below ${n}`);
    const limit = Math.floor(2 ** 48 / n) * n;
    for (;;) {
      const v = this.next48();
      if (v < limit) return v % n;
    }
  }
}

/** What a draw decided: the winners in prize order, and whether every entry won (fewer entries than prizes). */
export interface DrawResult { winners: DrawWinner[]; allWin: boolean }

/**
 * Draws the winners over the sorted entry lines: for each prize (in order) and each of its count, one uniform pick
 * among the entries not yet drawn; when past winners may not win again, every entry of a drawn number leaves too.
 */
export function drawWinners(seed: string, lines: readonly string[], prizes: readonly PrizeSlot[], winAgain: boolean): DrawResult {
  const stream = new DrawStream(seed, entriesHash(lines));
  const left = lines.map((line, index) => ({ index, id: line.slice(0, line.indexOf(':')), phone: line.slice(line.indexOf(':') + 1) }));
  const winners: DrawWinner[] = [];
  for (const prize of prizes) {
    for (let k = 0; k < prize.count && left.length; k++) {
      const i = stream.below(left.length);
      const e = left[i];
      winners.push({ prize: prize.key, entryId: e.id, phone: e.phone, index: e.index });
      left.splice(i, 1);
      if (!winAgain) for (let j = left.length - 1; j >= 0; j--) if (left[j].phone === e.phone) left.splice(j, 1);
    }
  }
  const slots = prizes.reduce((a, p) => a + p.count, 0);
  return { winners, allWin: winners.length < slots };
}

/** An audit of a draw as the API returns it and `tidings lottery verify` reads it (an instant-win one adds its window and moments). */
export interface DrawAudit {
  kind?: 'draw' | 'instant'; algorithm: string; seed: string | null; seedHash: string; entries: string[]; entriesHash: string | null; prizes: PrizeSlot[];
  winAgain: boolean; winners: DrawWinner[]; allWin: boolean;
  window?: { opensAt: string; closesAt: string }; moments?: Array<{ prize: string; at: string }>;
}

function verifyMoments(audit: DrawAudit & { seed: string }): string[] {
  if (!audit.window || !audit.moments) return ['mismatch: an instant-win audit needs its window and moments'];
  const again = winningMoments(audit.seed, audit.window.opensAt, audit.window.closesAt, audit.prizes);
  const same = again.length === audit.moments.length && again.every((m, i) => m.prize === audit.moments![i].prize && m.at === audit.moments![i].at);
  return same ? [] : ['mismatch: the winning moments recomputed from the seed differ from the published moments'];
}

/** Recomputes an audit: the seed against its published hash, the list against its hash, and the winners. */
export function verifyAudit(audit: DrawAudit): { ok: boolean; problems: string[]; winners: DrawWinner[] } {
  const problems: string[] = [];
  if (audit.algorithm !== drawAlgorithm) return { ok: false, problems: [`unknown algorithm ${audit.algorithm} (this version knows ${drawAlgorithm})`], winners: [] };
  if (!audit.seed) return { ok: false, problems: ['the seed is not revealed yet (the draw has not run)'], winners: [] };
  if (sha256Hex(audit.seed) !== audit.seedHash) problems.push('mismatch: SHA-256 of the revealed seed differs from the published seed hash');
  if (audit.kind === 'instant') {
    problems.push(...verifyMoments({ ...audit, seed: audit.seed }));
    return { ok: problems.length === 0, problems, winners: audit.winners };
  }
  const lines = [...audit.entries].sort();
  if (entriesHash(lines) !== audit.entriesHash) problems.push('mismatch: the entry list does not hash to the frozen entries hash (the list was changed)');
  const again = drawWinners(audit.seed, lines, audit.prizes, audit.winAgain);
  const same = again.winners.length === audit.winners.length
    && again.winners.every((w, i) => w.prize === audit.winners[i].prize && w.entryId === audit.winners[i].entryId && w.phone === audit.winners[i].phone);
  if (!same) problems.push('mismatch: the winners recomputed from the seed and the list differ from the published winners');
  if (again.allWin !== audit.allWin) problems.push('mismatch: the "all entries win" statement differs');
  return { ok: problems.length === 0, problems, winners: again.winners };
}

/**
 * The winning moments of an instant-win lottery: each prize's count spread over the window, at times drawn from the
 * seed (one per equal slice, so they do not bunch); an entry at or after an unclaimed moment takes it.
 */
export function winningMoments(seed: string, opensAt: string, closesAt: string, prizes: readonly PrizeSlot[]): Array<{ prize: string; at: string }> {
  const from = Date.parse(opensAt);
  const span = Date.parse(closesAt) - from;
  const stream = new DrawStream(seed, 'moments');
  const out: Array<{ prize: string; at: string }> = [];
  const total = prizes.reduce((a, p) => a + p.count, 0);
  const slice = span / Math.max(1, total);
  let n = 0;
  for (const p of prizes) {
    for (let k = 0; k < p.count; k++, n++) out.push({ prize: p.key, at: new Date(from + Math.floor(n * slice + stream.below(Math.max(1, Math.floor(slice))))).toISOString() });
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const claimAlphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A claim code from random bytes: 8 characters without 0/O/1/I. */
export function claimCode(bytes: Buffer): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += claimAlphabet[bytes[i] & 31];
  return s;
}

/** The secret seed of a draw: HMAC-SHA256(node secret, "lottery-seed|" draw id), hex; nowhere stored before it is revealed. */
export function drawSeed(key: Buffer, drawId: string): string {
  return createHmac('sha256', key).update(`lottery-seed|${drawId}`).digest('hex');
}
