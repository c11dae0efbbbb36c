import type { Kysely } from 'kysely';

/**
 * `messages.submitting`: set (1) in the same write that lets a dispatcher hand a claimed message to its carrier, so a
 * lease that runs out tells apart messages that may have reached the carrier (counted in `resubmitted` when claimed
 * again) from messages that were only claimed. Back to 0 with every later outcome or claim.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('submitting', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
