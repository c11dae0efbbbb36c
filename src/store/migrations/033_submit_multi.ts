import type { Kysely } from 'kysely';

/**
 * A submit_multi gives the ESME one message_id for all its destinations, each its own message and receipt:
 * `reported_id` is that id (the receipts' `id:` and receipted_message_id), null when it is the submit's own id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('smpp_submits').addColumn('reported_id', 'text').execute();
}
