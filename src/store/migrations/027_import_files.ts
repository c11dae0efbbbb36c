import type { Kysely } from 'kysely';

/**
 * The uploaded file of an import, kept in the database in chunks on PostgreSQL (where the nodes have disks of their
 * own), so any API node can resume an import whose node died; `file_stored` says the chunks are complete.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('import_file_chunks').ifNotExists()
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_file_chunks_pk', ['import_id', 'seq'])
    .execute();
  await db.schema.alterTable('imports').addColumn('file_stored', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

