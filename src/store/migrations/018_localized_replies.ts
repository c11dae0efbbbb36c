import type { Kysely } from 'kysely';

/** Opt-out, opt-in and help confirmations per recipient language: JSON {kind: {language: text}} of a tenant's own texts. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('keyword_settings').addColumn('localized_replies', 'text').execute();
}
