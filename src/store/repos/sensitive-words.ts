import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { normalizeWord, SensitiveWordMatcher, validateWord } from '../../domain/sensitive-words.ts';

/** The scope of the platform's own list; tenant lists use the tenant id. */
export const platformScope = '*';

/** One word on a list. */
export interface SensitiveWord { id: string; word: string; createdAt: string }

/** The words of one list (a tenant id, or platformScope), alphabetically. */
export async function listSensitiveWords(db: Db, scope: string): Promise<SensitiveWord[]> {
  const rows = await db.selectFrom('sensitive_words').select(['id', 'word', 'created_at']).where('scope', '=', scope).orderBy('normalized').execute();
  return rows.map((r) => ({ id: r.id, word: r.word, createdAt: r.created_at }));
}

/** Adds words to a list (validated; a word already there in any case or width is counted as a duplicate). */
export async function addSensitiveWords(db: Db, scope: string, words: readonly string[], now = new Date()): Promise<{ added: SensitiveWord[]; duplicates: string[] }> {
  const at = now.toISOString();
  const added: SensitiveWord[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const raw of words) {
    const word = validateWord(raw);
    const normalized = normalizeWord(word);
    if (seen.has(normalized)) { duplicates.push(word); continue; }
    seen.add(normalized);
    const id = newId(now.getTime());
    const r = await db.insertInto('sensitive_words').values({ id, scope, word, normalized, created_at: at })
      .onConflict((oc) => oc.columns(['scope', 'normalized']).doNothing()).executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) added.push({ id, word, createdAt: at });
    else duplicates.push(word);
  }
  return { added, duplicates };
}

/** Removes a word from a list, by id or by the word itself. */
export async function deleteSensitiveWord(db: Db, scope: string, idOrWord: string): Promise<SensitiveWord | undefined> {
  const r = await db.selectFrom('sensitive_words').select(['id', 'word', 'created_at']).where('scope', '=', scope)
    .where((eb) => eb.or([eb('id', '=', idOrWord), eb('normalized', '=', normalizeWord(idOrWord))])).executeTakeFirst();
  if (!r) return undefined;
  await db.deleteFrom('sensitive_words').where('scope', '=', scope).where('id', '=', r.id).execute();
  return { id: r.id, word: r.word, createdAt: r.created_at };
}

/** A matcher over the tenant's list and the platform's list; build it once per campaign, not per message. */
export async function loadSensitiveWordMatcher(db: Db, tenantId: string): Promise<SensitiveWordMatcher> {
  const rows = await db.selectFrom('sensitive_words').select('word').where('scope', 'in', [tenantId, platformScope]).execute();
  return new SensitiveWordMatcher(rows.map((r) => r.word));
}
