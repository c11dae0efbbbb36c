// Sensitive-word matching over the tenant's and the platform's word lists: one Aho–Corasick automaton
// (modern-ahocorasick's text adapter) built once per word list and reused for every text. Matching is
// insensitive to case (full Unicode case folding) and to width (NFKC: ＳＡＬＥ and ｓａｌｅ match "sale"),
// and positions refer to the original text.

import TextMatcher from 'modern-ahocorasick/text';
import { DomainError } from './errors.ts';

/** One occurrence of a sensitive word: the word as listed, and its UTF-16 position in the text. */
export interface SensitiveWordHit { word: string; index: number; length: number }

/** Longest word accepted on a list. */
export const maxWordLength = 50;

/** The comparison form of a word: NFKC, case-folded, trimmed (two words with the same key are duplicates). */
export function normalizeWord(word: string): string {
  return word.normalize('NFKC').toLowerCase().trim();
}

/** Validates a word for a list: non-empty after trimming, at most maxWordLength characters, one line. */
export function validateWord(word: string): string {
  const w = word.normalize('NFKC').trim();
  if (!w) throw new DomainError('invalid_request', 'the word is empty', { field: 'word' });
  if ([...w].length > maxWordLength) throw new DomainError('invalid_request', `a word is at most ${maxWordLength} characters`, { field: 'word' });
  if (/[\r\n]/.test(w)) throw new DomainError('invalid_request', 'a word is one line', { field: 'word' });
  return w;
}

/** Finds the words of a list in texts; build once per list (building costs far more than a search). */
export class SensitiveWordMatcher {
  readonly size: number;
  readonly #matcher: TextMatcher | null;

  constructor(words: readonly string[]) {
    const seen = new Map<string, string>();
    for (const w of words) {
      const key = normalizeWord(w);
      if (key && !seen.has(key)) seen.set(key, w.trim());
    }
    this.size = seen.size;
    this.#matcher = seen.size ? new TextMatcher([...seen.values()], { normalization: 'NFKC', caseFold: true }) : null;
  }

  /** Non-overlapping occurrences, leftmost-longest, in order of position. */
  find(text: string): SensitiveWordHit[] {
    if (!this.#matcher || !text) return [];
    return this.#matcher.search(text, { strategy: 'leftmost-longest' }).map((m) => ({ word: m.pattern, index: m.start, length: m.end - m.start }));
  }

  /** Whether the text contains any word (stops at the first). */
  test(text: string): boolean {
    return this.#matcher !== null && text !== '' && this.#matcher.match(text);
  }
}
