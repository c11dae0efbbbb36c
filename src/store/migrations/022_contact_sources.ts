import type { Kysely } from 'kysely';

/**
 * Where a contact was created (api, console, import, event, sms) and, for an import, which one: what a welcome
 * automation on contact creation "from a given import or API source" selects on. Contacts from before are null (no source).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('source', 'text').execute();
  await db.schema.alterTable('contacts').addColumn('import_id', 'text').execute();
}
