// Keywords of inbound messages: opt-out / opt-in / help word lists per language (editable per tenant),
// confirmations per recipient language, normalisation, and the tenant's auto-reply rules (exact, prefix, pattern, catch-all) with active dates.
import { ownValue } from './records.ts';
import { textForRecipient } from './templates.ts';

/** Languages with default word lists. */
export const keywordLanguages = ['zh', 'en', 'ru'] as const;
/** A language with default word lists. */
export type KeywordLanguage = (typeof keywordLanguages)[number];
/** The three reserved kinds of words, checked in this order before any tenant rule. */
export type WordKind = 'opt_out' | 'opt_in' | 'help';

/**
 * Default word lists. A word matches when the whole message, normalised, equals it; a word ending in `*`
 * also matches as the first word of a longer message ("STOP sending" / "退订了"). Single letters (T, N, R)
 * only ever match alone.
 */
export const defaultWords: Record<KeywordLanguage, Record<WordKind, string[]>> = {
  zh: {
    opt_out: ['T', 'TD', 'N', 'R', '退订*', '取消', '退出', '取消订阅', '退订短信', '拒收', '不要再发', '别发了'],
    opt_in: ['订阅', '开通', '恢复', '重新订阅'],
    help: ['帮助', '客服', '咨询'],
  },
  en: {
    opt_out: ['STOP*', 'STOPALL', 'UNSUBSCRIBE*', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT-OUT', 'REVOKE', 'REMOVE'],
    opt_in: ['START', 'UNSTOP', 'SUBSCRIBE', 'OPTIN'],
    help: ['HELP', 'INFO'],
  },
  ru: {
    opt_out: ['СТОП*', 'ОТПИСАТЬСЯ*', 'ОТПИСКА', 'ОТМЕНА', 'STOP'],
    opt_in: ['СТАРТ', 'ПОДПИСАТЬСЯ'],
    help: ['ПОМОЩЬ', 'СПРАВКА'],
  },
};

/** Default confirmation texts per language. */
export const defaultReplies: Record<KeywordLanguage, Record<WordKind, string>> = {
  zh: { opt_out: '您已成功退订，将不再收到营销短信。回复“订阅”可重新订阅。', opt_in: '您已重新订阅。回T退订。', help: '如需帮助请联系客服。回T退订。' },
  en: { opt_out: 'You have been unsubscribed and will receive no more marketing messages. Reply START to resubscribe.', opt_in: 'You are subscribed again. Reply STOP to opt out.', help: 'For help contact customer service. Reply STOP to opt out.' },
  ru: { opt_out: 'Вы отписались и больше не будете получать рекламные сообщения. СТАРТ — подписаться снова.', opt_in: 'Вы снова подписаны. СТОП — отписаться.', help: 'Для помощи обратитесь в службу поддержки. СТОП — отписаться.' },
};

/** The language tag a keyword language's texts are kept under (the tags the opt-out footer uses). */
export const replyLanguageTag: Record<KeywordLanguage, string> = { zh: 'zh-CN', en: 'en', ru: 'ru' };

/** Built-in confirmations of one kind by language tag (zh-CN, en, ru). */
export function defaultRepliesByLanguage(kind: WordKind): Record<string, string> {
  return Object.fromEntries(keywordLanguages.map((l) => [replyLanguageTag[l], defaultReplies[l][kind]]));
}

/** What a tenant's keyword settings say about confirmations (see store/repos/keywords.ts). */
export interface ConfirmationTexts {
  languages: readonly string[]; replies: Record<WordKind, string>;
  repliesByLanguage: Record<WordKind, Record<string, string>>; ownRepliesByLanguage: Record<WordKind, Record<string, string>>;
}
/**
 * The confirmation of a kind for a recipient, chosen like the opt-out footer: the text of the contact's language,
 * else of the number's country's language, else the tenant's reply in its first language.
 */
export function confirmationFor(s: ConfirmationTexts, kind: WordKind, language: string | null, country: string | null): string {
  const primary = replyLanguageTag[(s.languages.find((l) => (keywordLanguages as readonly string[]).includes(l)) ?? 'zh') as KeywordLanguage];
  // the tenant's first language answers with `replies` (its own text there, when it changed that one)
  const texts = { ...s.repliesByLanguage[kind], [primary]: s.ownRepliesByLanguage[kind][primary] ?? s.replies[kind] };
  return textForRecipient(language, country, [texts]) ?? s.replies[kind];
}

// Punctuation, symbols, separators and control/format characters are not part of a keyword.
const STRIP = /[\p{P}\p{S}\p{Z}\p{C}\s]+/gu;
const SPLIT = /[\p{P}\p{S}\p{Z}\p{C}\s]+/u;

/** Case- and width-insensitive form of a text: NFKC, upper case, punctuation and spaces removed ("Ｔ Ｄ" → "TD"). */
export function normalizeKeyword(text: string): string {
  return text.normalize('NFKC').toUpperCase().replace(STRIP, '');
}

/** The words of a text after NFKC and upper-casing, split at spaces and punctuation. */
export function keywordTokens(text: string): string[] {
  return text.normalize('NFKC').toUpperCase().split(SPLIT).filter(Boolean);
}

/** A word list entry made comparable: its normalised form and whether it may lead a longer message. */
interface Entry { word: string; leading: boolean }

function entry(raw: string): Entry | null {
  const leading = raw.trimEnd().endsWith('*');
  const word = normalizeKeyword(leading ? raw.trimEnd().slice(0, -1) : raw);
  if (!word) return null;
  return { word, leading: leading && [...word].length > 1 };
}

/** The effective word lists of a tenant. */
export interface WordLists { opt_out: string[]; opt_in: string[]; help: string[] }

/** The default lists for these languages, merged without duplicates. */
export function defaultWordLists(languages: readonly string[] = keywordLanguages): WordLists {
  const out: WordLists = { opt_out: [], opt_in: [], help: [] };
  const langs = languages.filter((l): l is KeywordLanguage => (keywordLanguages as readonly string[]).includes(l));
  for (const lang of langs.length ? langs : keywordLanguages) {
    for (const kind of ['opt_out', 'opt_in', 'help'] as const) {
      for (const w of defaultWords[lang][kind]) if (!out[kind].includes(w)) out[kind].push(w);
    }
  }
  return out;
}

/** What the reserved words say about a message. */
export interface WordMatch { kind: WordKind; word: string }

/** Classifies messages against a tenant's opt-out, opt-in and help words (opt-out wins over the others). */
export class WordMatcher {
  private readonly exact = new Map<string, WordMatch>();
  private readonly leading = new Map<string, WordMatch>();

  constructor(lists: WordLists) {
    // Later kinds never override earlier ones: opt-out first, then opt-in, then help.
    for (const kind of ['opt_out', 'opt_in', 'help'] as const) {
      for (const raw of lists[kind]) {
        const e = entry(raw);
        if (!e) continue;
        if (!this.exact.has(e.word)) this.exact.set(e.word, { kind, word: e.word });
        if (e.leading && !this.leading.has(e.word)) this.leading.set(e.word, { kind, word: e.word });
      }
    }
  }

  /** The reserved word a message is, or starts with (for `*` words), or null. */
  classify(text: string): WordMatch | null {
    const whole = normalizeKeyword(text);
    if (!whole) return null;
    const hit = this.exact.get(whole);
    if (hit) return hit;
    if (this.leading.size === 0) return null;
    const first = keywordTokens(text)[0] ?? '';
    const lead = this.leading.get(first);
    if (lead) return lead;
    // Scripts written without spaces (退订了): the word may lead the first token itself.
    for (const [word, m] of this.leading) {
      if (!/^[\p{L}]+$/u.test(word) || /[A-Z\u0400-\u04FF]/u.test(word)) continue;
      if (first.startsWith(word)) return m;
    }
    return null;
  }
}

// ---- tenant rules ------------------------------------------------------------------------------------

/** How a rule matches: the whole message, its start, a regular expression, or anything (the catch-all). */
export const ruleMatches = ['exact', 'prefix', 'pattern', 'catch_all'] as const;
/** One of the rule match kinds. */
export type RuleMatch = (typeof ruleMatches)[number];

/** A tenant's auto-reply rule. */
export interface KeywordRule {
  id: string; name: string; match: RuleMatch; pattern: string; reply: string | null; position: number;
  activeFrom: string | null; activeUntil: string | null; enabled: boolean;
}

/** The rule that matched a message, and the keyword and the rest of the text for reply variables. */
export interface RuleHit { rule: KeywordRule; keyword: string; rest: string }

const MAX_PATTERN = 200;
const MAX_PATTERN_INPUT = 1000;

/** Patterns that can backtrack catastrophically: a quantified group containing a quantifier, or a back-reference. */
const riskyPattern = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{?]|\\[1-9]|\\k</;
/** Pattern rules see at most this much of a message. */
const maxPatternInput = 320;

/** Why a rule is invalid, or null: an empty keyword, a bad or overlong regular expression, dates out of order. */
export function checkRule(r: Pick<KeywordRule, 'match' | 'pattern' | 'activeFrom' | 'activeUntil'>): string | null {
  if (r.match === 'pattern') {
    if (r.pattern.length > MAX_PATTERN) return `pattern must have at most ${MAX_PATTERN} characters`;
    try { new RegExp(r.pattern, 'iu'); } catch (e) { return `pattern is not a valid regular expression: ${(e as Error).message}`; }
    if (riskyPattern.test(r.pattern)) return 'pattern may not nest quantifiers, e.g. (a+)+, or use back-references (they can make matching take forever)';
  } else if (r.match !== 'catch_all' && !normalizeKeyword(r.pattern)) {
    return 'keyword must contain a letter or digit';
  }
  if (r.activeFrom && r.activeUntil && r.activeFrom >= r.activeUntil) return 'activeFrom must be before activeUntil';
  return null;
}

/** Whether a rule is enabled and inside its active dates at `now` (ISO). */
export function ruleActive(r: Pick<KeywordRule, 'enabled' | 'activeFrom' | 'activeUntil'>, now: string): boolean {
  return r.enabled && (!r.activeFrom || r.activeFrom <= now) && (!r.activeUntil || now < r.activeUntil);
}

function restAfter(text: string, keyword: string): string {
  // Drop as many leading words as make up the keyword; what follows is the "rest" (e.g. "BUY 2" → "2").
  const t = text.normalize('NFKC').trim();
  let acc = '';
  let i = 0;
  while (i < t.length && acc.length < keyword.length) {
    const ch = t[i++];
    acc += normalizeKeyword(ch);
  }
  return t.slice(i).replace(/^[\p{P}\p{Z}\s]+/u, '').trim();
}

/**
 * The first active rule a message matches: exact keywords, then prefixes (longest first), then patterns (in
 * position order), then the catch-all. Empty messages match only the catch-all.
 */
export function matchRule(rules: readonly KeywordRule[], text: string, now: string): RuleHit | null {
  const active = rules.filter((r) => ruleActive(r, now)).sort((a, b) => a.position - b.position);
  const norm = normalizeKeyword(text);
  if (norm) {
    for (const r of active) {
      if (r.match === 'exact' && normalizeKeyword(r.pattern) === norm) return { rule: r, keyword: norm, rest: '' };
    }
    const prefixes = active.filter((r) => r.match === 'prefix').map((r) => ({ r, k: normalizeKeyword(r.pattern) }))
      .filter((p) => p.k && norm.startsWith(p.k)).sort((a, b) => b.k.length - a.k.length);
    if (prefixes.length) return { rule: prefixes[0].r, keyword: prefixes[0].k, rest: restAfter(text, prefixes[0].k) };
    const input = text.normalize('NFKC').trim().slice(0, MAX_PATTERN_INPUT);
    for (const r of active) {
      if (r.match !== 'pattern') continue;
      let m: RegExpExecArray | null;
      if (riskyPattern.test(r.pattern)) continue;
      try { m = new RegExp(r.pattern, 'iu').exec(input.slice(0, maxPatternInput)); } catch { continue; }
      if (m) return { rule: r, keyword: m[0], rest: (m[1] ?? input.slice(m.index + m[0].length)).trim() };
    }
  }
  const fallback = active.find((r) => r.match === 'catch_all');
  return fallback ? { rule: fallback, keyword: '', rest: text.trim() } : null;
}

/** Fills `{{name}}` / `{{name|default}}` in a reply with the given variables; unknown ones take their default or ''. */
export function fillReply(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\p{L}\p{N}_.]+)\s*(?:\|([^}]*))?\}\}/gu, (_, key: string, dflt: string | undefined) => {
    const v = ownValue(vars, key);
    return v === undefined || v === null || v === '' ? (dflt ?? '').trim() : String(v);
  });
}

const AUTOMATED = [
  /auto[-\s]?(reply|response|responder)/i, /automatic(ally)?\s+(reply|generated|response)/i, /out of (the )?office/i,
  /do not reply|no[-\s]?reply/i, /自动回复/, /系统自动/, /请勿回复/, /автоответ/i, /автоматическ\S* (ответ|сообщени)/i, /не отвечайте/i,
];

/** Whether a text looks like a machine's automatic reply (never answered automatically: no reply loops). */
export function looksAutomated(text: string): boolean {
  return AUTOMATED.some((re) => re.test(text));
}
