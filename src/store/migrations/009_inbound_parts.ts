import type { Kysely } from 'kysely';

/**
 * Parts of long inbound messages, stored one by one as they arrive (each is acknowledged to the carrier once stored):
 * joined into an inbound message by whichever worker node stores the last part, or at the reassembly timeout. Parts
 * of one message may arrive on binds held by different nodes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('inbound_parts').ifNotExists()
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('ref', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('data_coding', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_parts_pk', ['channel_id', 'source', 'destination', 'ref', 'total', 'seq'])
    .execute();
}
