// Message templates: categories, variable rendering, signature and opt-out composition, and the linter.
//
// Variable syntax (documented in the README, "Templates and compliance"):
//   {{name}}                     the value of `name`; absent → left out and listed in `missing`
//   {{name|顾客}}                 the value, or the default after the first `|` when absent
//   {{due:yyyy-MM-dd}}           a date formatted with luxon tokens (text after the first `:`; the linter flags
//                                moment-style `YYYY-MM-DD` and other letters that are no token)
//   {{due:M月d日 HH:mm|尽快}}      a format and a default: the format may contain `:`, not `|`
//   {{fields.city}}              a dotted path into nested objects (an exact key "fields.city" wins)
// Names are letters (any script), digits, `_`, `-` and `.`; spaces around names, formats and defaults are
// trimmed. A value is absent when undefined, null or the empty string. Dates accept a Date, epoch
// milliseconds, or an ISO-8601 string. Instants (a Date, epoch ms, a string with Z or an offset) are shown in
// the render zone — the recipient's; a plain date or local date-time is shown as written. A value that is not a date keeps its text even when a format is given. Anything that
// does not parse as a placeholder — `{{ }}`, an unclosed `{{`, `{{a b}}` — is literal text.

import { DateTime } from 'luxon';
import type { SensitiveWordMatcher } from './sensitive-words.ts';
import { DomainError } from './errors.ts';
import { ownValue } from './records.ts';

/** What a message is for; decides priority, approval and opt-out rules. */
export type Category = 'verification' | 'notification' | 'marketing';
/** Every category, most urgent first. */
export const categories: readonly Category[] = ['verification', 'notification', 'marketing'];
/** Queue priority of a category: lower is sent sooner. */
export const priorityOf: Record<Category, number> = { verification: 0, notification: 1, marketing: 2 };

/** Whether a value is one of the categories. */
export function isCategory(value: unknown): value is Category {
  return value === 'verification' || value === 'notification' || value === 'marketing';
}

/** Whether a template of this category may be sent only after a platform admin approved it. */
export function needsApproval(category: Category): boolean {
  return category === 'marketing';
}

/**
 * Checks what a send or a campaign may carry: a template goes out under its own category (a marketing template
 * cannot skip quiet hours, caps and opt-out text by being called a notification, nor a notification template skip
 * approval by being called marketing), and marketing goes out as free text only where the platform operator
 * allowed it for the tenant (its settings' `marketingFreeText`); everywhere else it needs an approved template.
 */
export function checkContent(category: Category, template: { name: string; category: Category } | undefined, settings: { marketingFreeText?: unknown } = {}): void {
  if (template && category !== template.category) {
    throw new DomainError('invalid_request', `template ${template.name} is a ${template.category} template: it cannot be sent as ${category}`, { field: 'category' });
  }
  if (!template && needsApproval(category) && settings.marketingFreeText !== true) {
    throw new DomainError('invalid_request', 'marketing is sent from an approved template (templateId), not as free text; the platform operator can allow free marketing text for this tenant', { field: 'text' });
  }
}

/** The result of rendering: the text and the names of variables that had no value and no default. */
export interface Rendered { text: string; missing: string[] }
/** Options of one render: the zone and locale dates are formatted in (default UTC, zh-CN). */
export interface RenderOptions { zone?: string; locale?: string }
/** A compiled template: call it once per recipient. */
export type CompiledTemplate = (vars: Record<string, unknown>, options?: RenderOptions) => Rendered;

/** One placeholder of a template, with its position in the source text. */
export interface Placeholder {
  name: string; path: string[]; format: string | null; fallback: string | null;
  /** UTF-16 index of `{{` and the length up to and including `}}`. */
  index: number; length: number;
}

const placeholderPattern = /\{\{([^{}]*)\}\}/g;
const namePattern = /^[\p{L}\p{N}_.-]+$/u;

/** Parses one placeholder body (between the braces), or null when it is not a placeholder. */
function parseBody(body: string): Omit<Placeholder, 'index' | 'length'> | null {
  let rest = body;
  let fallback: string | null = null;
  const bar = rest.indexOf('|');
  if (bar >= 0) { fallback = rest.slice(bar + 1).trim(); rest = rest.slice(0, bar); }
  let format: string | null = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) { format = rest.slice(colon + 1).trim() || null; rest = rest.slice(0, colon); }
  const name = rest.trim();
  if (!namePattern.test(name)) return null;
  return { name, path: name.split('.'), format, fallback };
}

/** Every placeholder of a template, in order. */
export function placeholdersOf(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of text.matchAll(placeholderPattern)) {
    const p = parseBody(m[1]);
    if (p) out.push({ ...p, index: m.index, length: m[0].length });
  }
  return out;
}

/** The distinct variable names a template uses. */
export function variablesOf(text: string): string[] {
  return [...new Set(placeholdersOf(text).map((p) => p.name))];
}

function lookup(vars: Record<string, unknown>, name: string, path: string[]): unknown {
  const direct = ownValue(vars, name);
  if (direct !== undefined || path.length === 1) return direct;
  let v: unknown = vars;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = ownValue(v as Record<string, unknown>, key);
  }
  return v;
}

function toDateTime(v: unknown, zone: string): DateTime | null {
  let dt: DateTime;
  if (v instanceof Date) dt = DateTime.fromJSDate(v, { zone });
  else if (typeof v === 'number' && Number.isFinite(v)) dt = DateTime.fromMillis(v, { zone });
  else if (typeof v === 'string') dt = DateTime.fromISO(v.trim(), { zone });
  else return null;
  return dt.isValid ? dt : null;
}

function plain(v: unknown): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

type Slot = { name: string; path: string[]; format: string | null; fallback: string | null; lastIn: unknown; lastKey: string; lastOut: string };

/**
 * Compiles a template once; the returned function renders it per recipient (no parsing per call).
 * Date formats remember their last input, so a value shared by every recipient is formatted once.
 */
export function compileTemplate(text: string): CompiledTemplate {
  const literals: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const p of placeholdersOf(text)) {
    literals.push(text.slice(last, p.index));
    slots.push({ name: p.name, path: p.path, format: p.format, fallback: p.fallback, lastIn: undefined, lastKey: '', lastOut: '' });
    last = p.index + p.length;
  }
  const tail = text.slice(last);
  if (slots.length === 0) return () => ({ text, missing: [] });
  const n = slots.length;
  return (vars, options) => {
    const zone = options?.zone ?? 'UTC';
    const locale = options?.locale ?? 'zh-CN';
    let out = '';
    let missing: string[] | null = null;
    for (let i = 0; i < n; i++) {
      out += literals[i];
      const s = slots[i];
      const v = lookup(vars, s.name, s.path);
      if (v === undefined || v === null || v === '') {
        if (s.fallback !== null) out += s.fallback;
        else if (missing === null) missing = [s.name];
        else if (!missing.includes(s.name)) missing.push(s.name);
        continue;
      }
      if (s.format === null) { out += typeof v === 'string' ? v : plain(v); continue; }
      const key = `${zone}\u0000${locale}`;
      if (s.lastIn !== v || s.lastKey !== key || v instanceof Date) {
        const dt = toDateTime(v, zone);
        s.lastIn = v; s.lastKey = key;
        s.lastOut = dt ? dt.setLocale(locale).toFormat(s.format) : plain(v);
      }
      out += s.lastOut;
    }
    return { text: out + tail, missing: missing ?? [] };
  };
}

/** Renders a template once (compile with compileTemplate to render many). */
export function renderTemplate(text: string, vars: Record<string, unknown>, options?: RenderOptions): Rendered {
  return compileTemplate(text)(vars, options);
}

// ---- signature and opt-out text ----

const bracketPairs: [string, string][] = [['【', '】'], ['[', ']'], ['〖', '〗'], ['［', '］']];

/**
 * The signature as it is placed: verbatim when already bracketed (【公司】, [Acme], 〖…〗), otherwise wrapped
 * in 【】. A Latin-only tenant that wants GSM-7 texts should set `[Acme]`: 【】 forces UCS-2.
 */
export function formatSignature(signature: string): string {
  const s = signature.trim();
  if (!s) return '';
  for (const [open, close] of bracketPairs) if (s.startsWith(open) && s.endsWith(close) && s.length > 2) return s;
  return `【${s}】`;
}

/** The bracketed signature at the start or end of a text, if any. */
export function signatureIn(text: string): string | null {
  const t = text.trim();
  for (const [open, close] of bracketPairs) {
    if (t.startsWith(open)) { const end = t.indexOf(close, 1); if (end > 1) return t.slice(0, end + 1); }
    if (t.endsWith(close)) { const start = t.lastIndexOf(open, t.length - 2); if (start >= 0 && start < t.length - 2) return t.slice(start); }
  }
  return null;
}

function hasSignature(text: string, signature: string): boolean {
  const t = text.trim();
  return t.startsWith(signature) || t.endsWith(signature);
}

/** Built-in opt-out texts by language. */
export const defaultOptOutTexts: Readonly<Record<string, string>> = { 'zh-CN': '回T退订', en: 'Reply STOP to opt out', ru: 'СТОП — отписаться' };

const optOutPhrases = /回复?\s*[「“"']?(?:T|TD|N|R|0|退订)[」”"']?\s*(?:即可)?\s*(?:退订|退定|拒收)|退订\s*(?:请)?回(?:复)?\s*[TN]|拒收请回复|reply\s+["']?(?:stop|unsubscribe)|text\s+["']?stop|txt\s+["']?stop|\bunsubscribe\b|\bopt[- ]out\b|стоп|отписаться|отказ(?:аться)?\s+от\s+рассылки/iu;

/** Whether a text already carries an opt-out instruction (the given one, a built-in one, or a common wording). */
export function hasOptOutText(text: string, optOutText?: string): boolean {
  const lower = text.toLowerCase();
  if (optOutText && lower.includes(optOutText.toLowerCase())) return true;
  return optOutPhrases.test(text);
}

/** Normalises a language tag to the keys of the opt-out texts: zh, zh_CN, zh-Hans → zh-CN; en-US → en; ru-RU → ru. */
export function normalizeLanguage(language: string | null | undefined): string | null {
  if (!language) return null;
  const tag = language.trim().replace(/_/g, '-');
  if (!tag) return null;
  const base = tag.split('-')[0].toLowerCase();
  if (base === 'zh') return 'zh-CN';
  return base;
}

function languageOfCountry(country: string | null): string | null {
  if (!country) return null;
  const c = country.trim().toUpperCase();
  if (c === 'CN' || /^\+?86/.test(c)) return 'zh-CN';
  if (c === 'RU' || c === 'BY' || /^\+?7/.test(c)) return 'ru';
  return null;
}

/**
 * The opt-out text for a recipient: by the contact's language when one is known; otherwise by the number's
 * country (ISO code like "CN" or an E.164 number: China → zh-CN, Russia/Belarus → ru) and else English.
 * Tenant overrides (keyed by language, e.g. {"zh-CN": "退订回N"}) win over the built-in texts, and may add
 * languages the built-ins lack.
 */
export function optOutTextFor(language: string | null, country: string | null, overrides?: Record<string, string>): string {
  const tables = [overrides ?? {}, defaultOptOutTexts];
  return textForRecipient(language, country, tables) ?? textForRecipient('en', null, tables)!;
}

/**
 * A text for a recipient from tables keyed by language (earlier tables win, a key as written before its normalised
 * form): by the contact's language when one is known, otherwise by the number's country; undefined when neither
 * has one. The opt-out footer and the keyword confirmations choose their language this way.
 */
export function textForRecipient(language: string | null, country: string | null, tables: readonly Readonly<Record<string, string>>[]): string | undefined {
  const pick = (lang: string | null): string | undefined => {
    if (!lang) return undefined;
    for (const table of tables) {
      for (const key of [lang, normalizeLanguage(lang) ?? '']) if (Object.hasOwn(table, key) && table[key]) return table[key];
    }
    return undefined;
  };
  return pick(language) ?? pick(languageOfCountry(country));
}

function scriptLanguage(text: string): string {
  if (/[\u3400-\u9fff]/.test(text)) return 'zh-CN';
  if (/[\u0400-\u04ff]/.test(text)) return 'ru';
  return 'en';
}

/** What composeText needs besides the body. */
export interface ComposeOptions { category: Category; signature?: string; signaturePosition?: 'prefix' | 'suffix'; optOutText?: string }

/**
 * The text as it is sent: for marketing, the opt-out text appended (after a space) unless the body already
 * has one — when no optOutText is given, the built-in text of the body's script (Han → zh-CN, Cyrillic → ru,
 * else en); then the signature (see formatSignature) as a prefix (the default) or suffix, unless the body
 * already starts or ends with it. Other categories get the signature only.
 */
export function composeText(body: string, o: ComposeOptions): string {
  let text = body;
  if (o.category === 'marketing') {
    const optOut = o.optOutText ?? defaultOptOutTexts[scriptLanguage(body)];
    if (!hasOptOutText(text, optOut)) text = text === '' || /\s$/.test(text) ? text + optOut : `${text} ${optOut}`;
  }
  const signature = o.signature ? formatSignature(o.signature) : '';
  if (signature && !hasSignature(text, signature)) {
    text = o.signaturePosition === 'suffix' ? text + signature : signature + text;
  }
  return text;
}

// ---- linter ----

/** Codes of lint warnings. */
export type LintCode = 'missing_signature' | 'missing_opt_out' | 'sensitive_word' | 'link_not_allowed' | 'unknown_variable' | 'missing_variable' | 'malformed_variable' | 'unknown_date_format';

/** One finding of the linter; `index`/`length` are UTF-16 positions in the linted text when it has one. */
export interface LintWarning {
  code: LintCode;
  /** error: the carrier or the platform is expected to refuse it; warning: worth a look. */
  severity: 'error' | 'warning';
  message: string;
  index?: number;
  length?: number;
  /** The word, link or variable concerned. */
  subject?: string;
  /** What to write instead, when the linter can tell (a date format in luxon tokens). */
  suggestion?: string;
}

/** What lintText checks against. */
export interface LintOptions {
  category: Category;
  /** The tenant's signature; without one, any bracketed signature at the start or end is accepted. */
  signature?: string;
  matcher?: SensitiveWordMatcher;
  /** Hosts links may point to (`example.com` also allows its subdomains); undefined = links not checked. */
  linkAllowList?: string[];
  /** Variables the template may use; undefined = not checked. */
  knownVariables?: string[];
}

const linkPattern = /\b(?:(?:https?:\/\/)[^\s<>"'，。！？、；）】]+|(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|cn|net|org|io|co|me|ly|gl|cc|info|biz|top|xyz|app|ru|uk|de|hk|tw|link|site|shop|vip|club|ink|tv|so|to|gg|su|рф)(?::\d+)?(?:\/[^\s<>"'，。！？、；）】]*)?)/giu;

// Luxon's format tokens: a run of one ASCII letter is one of these, or luxon prints it as it is (never what was meant).
const dateTokens = new Set(('S SSS u uu uuu s ss m mm h hh H HH Z ZZ ZZZ ZZZZ ZZZZZ z a d dd c ccc cccc ccccc E EEE EEEE EEEEE L LL LLL LLLL LLLLL '
  + 'M MM MMM MMMM MMMMM y yy yyyy yyyyyy G GG GGGGG kk kkkk W WW n nn ii iiii o ooo q qq X x D DD DDD DDDD t tt ttt tttt T TT TTT TTTT '
  + 'f ff fff ffff F FF FFF FFFF').split(' '));
// Tokens that stand for a whole localized date or time: combined with other tokens they repeat the date.
const wholeDateToken = /^(?:D+|t+|T+|f+|F+)$/;

/**
 * Why a date format (luxon tokens, as after `{{name:`) would not print what it seems to ask for, with a corrected
 * format: letters that are no token (`YYYY`: moment/Excel style), or a localized whole date (`DD`) mixed with other
 * parts; null when it is fine. Text in single quotes is literal.
 */
export function checkDateFormat(format: string): { problem: string; suggestion: string } | null {
  const runs = [...format.replace(/'[^']*'?/g, ' ').matchAll(/([A-Za-z])\1*/g)].map((m) => m[0]);
  const unknown = runs.filter((r) => !dateTokens.has(r));
  const whole = runs.length > 1 ? runs.filter((r) => wholeDateToken.test(r)) : [];
  if (!unknown.length && !whole.length) return null;
  // moment / Excel habits: YYYY → yyyy, DD → dd, A → a (outside quotes)
  const suggestion = format.replace(/('[^']*'?)|Y+|D{1,2}(?!D)|A/g, (m, quoted: string | undefined) => (quoted ? m : m === 'A' ? 'a' : m.toLowerCase()));
  const problem = unknown.length ? `"${unknown.join('", "')}" ${unknown.length > 1 ? 'are' : 'is'} not a date token` : `"${whole.join('", "')}" is a whole localized date, not a part of one`;
  return { problem, suggestion };
}

/** Links in a text (with a scheme, `www.`, or a bare host with a common top-level domain), with positions. */
export function findLinks(text: string): { link: string; host: string; index: number }[] {
  const out: { link: string; host: string; index: number }[] = [];
  for (const m of text.matchAll(linkPattern)) {
    const link = m[0].replace(/[.,!?;:)]+$/, '');
    const host = link.replace(/^https?:\/\//i, '').split(/[/?#:]/)[0].toLowerCase();
    out.push({ link, host, index: m.index });
  }
  return out;
}

/** Whether a host is on an allow-list of hosts: exact, a subdomain of an entry, or matching `*.entry`. */
export function hostAllowed(host: string, allowList: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowList.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^\*\./, '').split('/')[0];
    return e !== '' && (h === e || h.endsWith(`.${e}`));
  });
}

/**
 * Lints a text as it will be sent (compose it first; a template's placeholders are checked too): a missing
 * signature, a marketing text without opt-out text, sensitive words, links off the allow-list, unknown or
 * malformed variables. Findings come in order of position where they have one.
 */
export function lintText(text: string, o: LintOptions): LintWarning[] {
  const out: LintWarning[] = [];
  if (o.signature) {
    const sig = formatSignature(o.signature);
    if (!hasSignature(text, sig)) out.push({ code: 'missing_signature', severity: 'warning', message: `the text does not start or end with the signature ${sig}` });
  } else if (!signatureIn(text)) {
    out.push({ code: 'missing_signature', severity: 'warning', message: 'no signature such as 【公司】 at the start or end, and the tenant has none set' });
  }
  if (o.category === 'marketing' && !hasOptOutText(text)) {
    out.push({ code: 'missing_opt_out', severity: 'error', message: 'a marketing text must tell how to opt out (e.g. 回T退订, Reply STOP to opt out)' });
  }
  if (o.matcher) {
    for (const hit of o.matcher.find(text)) {
      out.push({ code: 'sensitive_word', severity: 'error', message: `sensitive word "${hit.word}"`, index: hit.index, length: hit.length, subject: hit.word });
    }
  }
  if (o.linkAllowList) {
    for (const l of findLinks(text)) {
      if (!hostAllowed(l.host, o.linkAllowList)) {
        out.push({ code: 'link_not_allowed', severity: 'error', message: `link to ${l.host} is not on the tenant's allow-list`, index: l.index, length: l.link.length, subject: l.link });
      }
    }
  }
  const known = o.knownVariables && new Set(o.knownVariables);
  for (const m of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    const p = parseBody(m[1]);
    if (!p) {
      out.push({ code: 'malformed_variable', severity: 'warning', message: `"${m[0]}" is not a variable: use {{name}}, {{name|default}} or {{name:format}}`, index: m.index, length: m[0].length, subject: m[0] });
    } else if (known && p.fallback === null && !known.has(p.name) && !known.has(p.path[0])) {
      out.push({ code: 'unknown_variable', severity: 'warning', message: `variable "${p.name}" is not a known field and has no default`, index: m.index, length: m[0].length, subject: p.name });
    }
  }
  out.push(...dateFormatWarnings(text));
  const open = text.lastIndexOf('{{');
  if (open >= 0 && text.indexOf('}}', open) < 0) {
    out.push({ code: 'malformed_variable', severity: 'warning', message: '"{{" is never closed with "}}"', index: open, length: 2, subject: '{{' });
  }
  return out.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
}

/** Lint errors for the date formats of a template's placeholders that would not print a date (see checkDateFormat). */
export function dateFormatWarnings(text: string): LintWarning[] {
  const out: LintWarning[] = [];
  for (const p of placeholdersOf(text)) {
    const bad = p.format === null ? null : checkDateFormat(p.format);
    if (!bad) continue;
    out.push({
      code: 'unknown_date_format', severity: 'error', message: `date format "${p.format}": ${bad.problem}; use luxon tokens such as yyyy-MM-dd (here: ${bad.suggestion})`,
      index: p.index, length: p.length, subject: p.format!, suggestion: bad.suggestion,
    });
  }
  return out;
}

/** Lint warnings for the variables a render could not fill (no position: they are absent from the text). */
export function missingVariableWarnings(missing: readonly string[]): LintWarning[] {
  return missing.map((name) => ({ code: 'missing_variable', severity: 'warning', message: `no value for variable "${name}" and no default: it is left out`, subject: name }));
}
