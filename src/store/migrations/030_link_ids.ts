import type { Kysely } from 'kysely';

/**
 * The gateway's LinkID of an on-demand (点播) MO (CMPP 3.0 CMPP_DELIVER, SMGP Deliver TLV 0x0003): kept on the MO
 * (`inbound_messages`), on each stored part of a long MO (`inbound_parts`; the joined MO keeps the first non-empty one),
 * and on the outgoing message that answers the MO (`messages`), whose submit carries it back. Null when none was given.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_messages').addColumn('link_id', 'text').execute();
  await db.schema.alterTable('inbound_parts').addColumn('link_id', 'text').execute();
  await db.schema.alterTable('messages').addColumn('link_id', 'text').execute();
}
