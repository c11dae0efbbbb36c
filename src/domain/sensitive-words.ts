// Sensitive-word matching over the tenant's and the platform's word lists: one Aho–Corasick automaton
// (modern-ahocorasick's text adapter) built once per word list and reused for every text. Matching is
// insensitive to case (full Unicode case folding) and to width (NFKC: ＳＡＬＥ and ｓａｌｅ match "sale"),
// and positions refer to the original text.

import AhoCorasick from 'modern-ahocorasick';
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

/** Printable ASCII and line breaks: NFKC leaves such a text as it is, and its case folding is its lower case. */
const PLAIN = /^[\t\n\r\x20-\x7e]*$/;

/**
 * A word's comparison form when that form is plain ASCII (else null): NFKC, case folding (to ASCII only A–Z and ß/ẞ
 * fold otherwise than to their lower case; ligatures, ſ and the Kelvin sign NFKC has made ASCII already), NFKC.
 */
function plainForm(word: string): string | null {
  const form = word.normalize('NFKC').toLowerCase().replaceAll('ß', 'ss').normalize('NFKC');
  return PLAIN.test(form) ? form : null;
}

/**
 * Finds the words of a list in texts; build once per list (building costs far more than a search). A plain ASCII text
 * (a code, a number, most English) is searched by a second automaton over the words' ASCII forms, without the general
 * matcher's per-grapheme normalisation and offset map: the same hits, at a small part of the cost.
 */
export class SensitiveWordMatcher {
  readonly size: number;
  readonly #matcher: TextMatcher | null;
  /** The automaton for plain texts and the listed word of each of its patterns (null when a form did not check out). */
  readonly #plain: { matcher: AhoCorasick | null; words: string[] } | null;

  constructor(words: readonly string[]) {
    const seen = new Map<string, string>();
    for (const w of words) {
      const key = normalizeWord(w);
      if (key && !seen.has(key)) seen.set(key, w.trim());
    }
    this.size = seen.size;
    const listed = [...seen.values()];
    this.#matcher = seen.size ? new TextMatcher(listed, { normalization: 'NFKC', caseFold: true }) : null;
    this.#plain = this.#matcher ? plainMatcher(this.#matcher, listed) : null;
  }

  /** Non-overlapping occurrences, leftmost-longest, in order of position. */
  find(text: string): SensitiveWordHit[] {
    if (!this.#matcher || !text) return [];
    const plain = this.#plain && PLAIN.test(text) ? this.#plain : null;
    if (plain) {
      if (!plain.matcher) return [];
      return plain.matcher.search(text.toLowerCase(), { strategy: 'leftmost-longest' }).map((m) => ({ word: plain.words[m.patternIndex], index: m.start, length: m.end - m.start }));
    }
    return this.#matcher.search(text, { strategy: 'leftmost-longest' }).map((m) => ({ word: m.pattern, index: m.start, length: m.end - m.start }));
  }

  /** Whether the text contains any word (stops at the first). */
  test(text: string): boolean {
    if (this.#matcher === null || text === '') return false;
    if (this.#plain && PLAIN.test(text)) return this.#plain.matcher?.match(text.toLowerCase()) ?? false;
    return this.#matcher.match(text);
  }
}

/**
 * The automaton over the words whose comparison form is plain ASCII (only those can occur in a plain text), or null
 * when the general matcher does not find some word's computed form as that word (then every text takes the general way).
 */
function plainMatcher(general: TextMatcher, listed: string[]): { matcher: AhoCorasick | null; words: string[] } | null {
  const forms: string[] = [];
  const words: string[] = [];
  for (const word of listed) {
    const form = plainForm(word);
    if (form === null) continue;
    if (!general.search(form, { strategy: 'all' }).some((m) => m.pattern === word && m.start === 0 && m.end === form.length)) return null;
    forms.push(form);
    words.push(word);
  }
  return { matcher: forms.length ? new AhoCorasick(forms) : null, words };
}
