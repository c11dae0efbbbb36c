import type { Kysely } from 'kysely';

/** Message templates with their approval state, and the sensitive-word lists (per tenant, and '*' for the platform). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('templates').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('review_note', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('templates_tenant').ifNotExists().on('templates').columns(['tenant_id', 'name']).execute();
  await db.schema.createIndex('templates_status').ifNotExists().on('templates').columns(['status', 'submitted_at']).execute();
  await db.schema.createTable('sensitive_words').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('word', 'text', (c) => c.notNull())
    .addColumn('normalized', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sensitive_words_scope_word').ifNotExists().unique().on('sensitive_words').columns(['scope', 'normalized']).execute();
}
