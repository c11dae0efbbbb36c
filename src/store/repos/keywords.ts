import type { Db, KeywordRulesTable, KeywordSettingsTable } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import { normalizeLanguage } from '../../domain/templates.ts';
import {
  checkRule, defaultReplies, defaultRepliesByLanguage, defaultWordLists, keywordLanguages, type KeywordLanguage, type KeywordRule, type RuleMatch, type WordKind, type WordLists,
} from '../../domain/keywords.ts';

/** A tenant's effective keyword settings: languages, the three word lists, and the automatic reply texts. */
export interface KeywordSettings {
  languages: string[];
  words: WordLists;
  /** Which lists are the tenant's own (true) rather than the defaults of its languages. */
  customized: Record<WordKind, boolean>;
  replies: Record<WordKind, string>;
  /**
   * The confirmations per recipient language (zh-CN, en, ru and any the tenant added): its own texts over the
   * built-in ones; a recipient gets the one of its contact's language, else of its number's country, else `replies`.
   */
  repliesByLanguage: Record<WordKind, Record<string, string>>;
  /** The tenant's own per-language texts only. */
  ownRepliesByLanguage: Record<WordKind, Record<string, string>>;
}

/** What a tenant may change; null resets a list or reply to the default. */
export interface KeywordSettingsPatch {
  languages?: string[] | null;
  words?: Partial<Record<WordKind, string[] | null>>;
  replies?: Partial<Record<WordKind, string | null>>;
  /** Per-language texts to set; null removes the tenant's own text of that language (back to the built-in one). */
  repliesByLanguage?: Partial<Record<WordKind, Record<string, string | null>>>;
}

const kinds: readonly WordKind[] = ['opt_out', 'opt_in', 'help'];
// A BCP 47-like tag (zh-CN, en, ru, pt_BR): never a word such as "constructor".
const languageTag = /^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$/i;

function parseLocalized(v: string | null): Record<WordKind, Record<string, string>> {
  const out = { opt_out: {}, opt_in: {}, help: {} } as Record<WordKind, Record<string, string>>;
  if (!v) return out;
  try {
    const o = JSON.parse(v) as Record<string, unknown>;
    for (const k of kinds) {
      const texts = Object.hasOwn(o, k) ? o[k] : null;
      if (!texts || typeof texts !== 'object') continue;
      for (const [lang, text] of Object.entries(texts)) if (typeof text === 'string' && text) out[k][lang] = text;
    }
  } catch { /* an unreadable value counts as none */ }
  return out;
}

function parseList(v: string | null): string[] | null {
  if (v === null) return null;
  try { const a = JSON.parse(v) as unknown; return Array.isArray(a) ? a.map(String) : null; } catch { return null; }
}

/** The reply texts in the tenant's first language (Chinese when none is known). */
function repliesFor(languages: string[]): Record<WordKind, string> {
  const lang = (languages.find((l) => (keywordLanguages as readonly string[]).includes(l)) ?? 'zh') as KeywordLanguage;
  return defaultReplies[lang];
}

function toSettings(r: KeywordSettingsTable | undefined): KeywordSettings {
  const languages = parseList(r?.languages ?? null) ?? [...keywordLanguages];
  const defaults = defaultWordLists(languages);
  const lists = { opt_out: parseList(r?.opt_out_words ?? null), opt_in: parseList(r?.opt_in_words ?? null), help: parseList(r?.help_words ?? null) };
  const replies = repliesFor(languages);
  const own = parseLocalized(r?.localized_replies ?? null);
  return {
    languages,
    words: { opt_out: lists.opt_out ?? defaults.opt_out, opt_in: lists.opt_in ?? defaults.opt_in, help: lists.help ?? defaults.help },
    customized: { opt_out: lists.opt_out !== null, opt_in: lists.opt_in !== null, help: lists.help !== null },
    replies: { opt_out: r?.opt_out_reply ?? replies.opt_out, opt_in: r?.opt_in_reply ?? replies.opt_in, help: r?.help_reply ?? replies.help },
    repliesByLanguage: Object.fromEntries(kinds.map((k) => [k, { ...defaultRepliesByLanguage(k), ...own[k] }])) as Record<WordKind, Record<string, string>>,
    ownRepliesByLanguage: own,
  };
}

/** A tenant's keyword settings (the defaults until it changes them). */
export async function getKeywordSettings(db: Db, tenantId: string): Promise<KeywordSettings> {
  return toSettings(await db.selectFrom('keyword_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst());
}

/** Changes a tenant's keyword settings; an empty opt-out list is refused (recipients must always be able to refuse). */
export async function updateKeywordSettings(db: Db, tenantId: string, patch: KeywordSettingsPatch, now: string): Promise<KeywordSettings> {
  if (patch.words?.opt_out && patch.words.opt_out.length === 0) {
    throw new DomainError('invalid_request', 'the opt-out list may not be empty: recipients must always be able to refuse', { field: 'words.opt_out' });
  }
  const current = await db.selectFrom('keyword_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  const row: KeywordSettingsTable = current ?? {
    tenant_id: tenantId, languages: null, opt_out_words: null, opt_in_words: null, help_words: null,
    opt_out_reply: null, opt_in_reply: null, help_reply: null, updated_at: now, localized_replies: null,
  };
  const list = (v: string[] | null) => (v === null ? null : JSON.stringify([...new Set(v.map((w) => w.trim()).filter(Boolean))]));
  if (patch.languages !== undefined) row.languages = list(patch.languages);
  if (patch.words?.opt_out !== undefined) row.opt_out_words = list(patch.words.opt_out);
  if (patch.words?.opt_in !== undefined) row.opt_in_words = list(patch.words.opt_in);
  if (patch.words?.help !== undefined) row.help_words = list(patch.words.help);
  if (patch.replies?.opt_out !== undefined) row.opt_out_reply = patch.replies.opt_out;
  if (patch.replies?.opt_in !== undefined) row.opt_in_reply = patch.replies.opt_in;
  if (patch.replies?.help !== undefined) row.help_reply = patch.replies.help;
  if (patch.repliesByLanguage) {
    const own = parseLocalized(row.localized_replies);
    for (const k of kinds) {
      const texts: Record<string, string | null> | undefined = patch.repliesByLanguage[k];
      if (!texts) continue;
      for (const [lang, text] of Object.entries(texts)) {
        const tag: string | null = languageTag.test(lang) ? normalizeLanguage(lang) : null;
        if (!tag) throw new DomainError('invalid_request', `"${lang.slice(0, 40)}" is not a language tag such as zh-CN, en or ru`, { field: `repliesByLanguage.${k}` });
        if (text === null || !text.trim()) delete own[k][tag];
        else own[k][tag] = text.trim();
      }
    }
    row.localized_replies = JSON.stringify(own);
  }
  row.updated_at = now;
  if (current) await db.updateTable('keyword_settings').set(row).where('tenant_id', '=', tenantId).execute();
  else await db.insertInto('keyword_settings').values(row).execute();
  return toSettings(row);
}

// ---- rules ------------------------------------------------------------------------------------------------

/** A rule as the API shows it. */
export interface StoredRule extends KeywordRule { hits: number; createdAt: string; updatedAt: string }

/** What a caller gives to create or change a rule. */
export interface RuleInput {
  name: string; match: RuleMatch; pattern?: string; reply?: string | null; position?: number;
  activeFrom?: string | null; activeUntil?: string | null; enabled?: boolean;
}

function toRule(r: KeywordRulesTable): StoredRule {
  return {
    id: r.id, name: r.name, match: r.match as RuleMatch, pattern: r.pattern, reply: r.reply, position: r.position,
    activeFrom: r.active_from, activeUntil: r.active_until, enabled: r.enabled === 1, hits: r.hits, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function validate(r: Pick<KeywordRule, 'match' | 'pattern' | 'activeFrom' | 'activeUntil'>): void {
  const problem = checkRule(r);
  if (problem) throw new DomainError('invalid_request', problem, { field: r.match === 'pattern' ? 'pattern' : 'activeFrom' });
}

/** Creates a rule of the tenant (position defaults to after the last). */
export async function createRule(db: Db, tenantId: string, input: RuleInput, now: string): Promise<StoredRule> {
  const pattern = input.match === 'catch_all' ? '' : input.pattern ?? '';
  validate({ match: input.match, pattern, activeFrom: input.activeFrom ?? null, activeUntil: input.activeUntil ?? null });
  let position = input.position;
  if (position === undefined) {
    const last = await db.selectFrom('keyword_rules').select('position').where('tenant_id', '=', tenantId).orderBy('position', 'desc').limit(1).executeTakeFirst();
    position = (last?.position ?? -1) + 1;
  }
  const row: KeywordRulesTable = {
    id: newId(), tenant_id: tenantId, name: input.name, match: input.match, pattern, reply: input.reply ?? null, position,
    active_from: input.activeFrom ?? null, active_until: input.activeUntil ?? null, enabled: input.enabled === false ? 0 : 1, hits: 0,
    created_at: now, updated_at: now,
  };
  await db.insertInto('keyword_rules').values(row).execute();
  return toRule(row);
}

/** The tenant's rules in position order. */
export async function listRules(db: Db, tenantId: string): Promise<StoredRule[]> {
  return (await db.selectFrom('keyword_rules').selectAll().where('tenant_id', '=', tenantId).orderBy('position').orderBy('id').execute()).map(toRule);
}

/** A rule of the tenant. */
export async function getRule(db: Db, tenantId: string, id: string): Promise<StoredRule | undefined> {
  const r = await db.selectFrom('keyword_rules').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toRule(r);
}

/** Changes a rule of the tenant. */
export async function updateRule(db: Db, tenantId: string, id: string, patch: Partial<RuleInput>, now: string): Promise<StoredRule | undefined> {
  const current = await getRule(db, tenantId, id);
  if (!current) return undefined;
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as StoredRule;
  if (next.match === 'catch_all') next.pattern = '';
  validate(next);
  await db.updateTable('keyword_rules').set({
    name: next.name, match: next.match, pattern: next.pattern, reply: next.reply, position: next.position, active_from: next.activeFrom,
    active_until: next.activeUntil, enabled: next.enabled ? 1 : 0, updated_at: now,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return getRule(db, tenantId, id);
}

/** Deletes a rule of the tenant. */
export async function deleteRule(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('keyword_rules').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Counts a match of a rule. */
export async function countRuleHit(db: Db, tenantId: string, id: string): Promise<void> {
  await db.updateTable('keyword_rules').set((eb) => ({ hits: eb('hits', '+', 1) })).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

