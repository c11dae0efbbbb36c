import type { Kysely } from 'kysely';

/** The octets of an MO as received (hex), kept when they did not decode in their coding (e.g. bad GBK); null otherwise. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_messages').addColumn('raw_content', 'text').execute();
}
