import type { Kysely } from 'kysely';

/**
 * Number attributions by content key (see domain/attribution.ts attributionKey): an import binds one key per contact
 * and the insert copies the seven attribution columns from here, instead of binding them with every row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('attributions').ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('country', 'text')
    .addColumn('number_type', 'text')
    .addColumn('carrier', 'text')
    .addColumn('region', 'text')
    .addColumn('province', 'text')
    .addColumn('city', 'text')
    .addColumn('timezone', 'text')
    .execute();
}
