import type { Kysely } from 'kysely';

/**
 * `messages.submitted_by`: the node (dispatcher lease owner) whose write recorded the message as accepted by its
 * carrier, kept from `lease_owner` in that same update. Tells which worker sent what when several share one database.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('submitted_by', 'text').execute();
}
