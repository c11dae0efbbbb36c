import type { Kysely } from 'kysely';

/**
 * The octets of each stored part of a long MO (hex, from CMPP / SGIP / SMGP), and whether they decoded: when any part
 * did not, the joined message's raw_content holds every part's octets in order (as a single-part MO's does, 024).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_parts').addColumn('raw_content', 'text').execute();
  await db.schema.alterTable('inbound_parts').addColumn('undecodable', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
