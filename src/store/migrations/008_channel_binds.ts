import type { Kysely } from 'kysely';

/**
 * Carrier binds shared by worker nodes: each worker node announces itself (`worker_nodes`, renewed while it lives) and
 * holds numbered bind slots of a channel under a lease (`channel_binds`), so M workers open the channel's configured
 * number of binds between them, not M times that number. Each node reports what it sees of a channel
 * (`channel_node_states`); the channel's own state columns hold the sum over the nodes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('worker_nodes').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('seen_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('channel_binds').ifNotExists()
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_binds_pk', ['channel_id', 'slot'])
    .execute();
  await db.schema.createTable('channel_node_states').ifNotExists()
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('counters', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_node_states_pk', ['channel_id', 'node_id'])
    .execute();
}
