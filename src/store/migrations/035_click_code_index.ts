import type { Kysely } from 'kysely';

/**
 * Drops the index of clicks by code (015): no query reads clicks by their code (statistics go by tenant and campaign),
 * and as codes are random, each click's entry landed on a random page of it, the largest share of a click's write.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('link_clicks_code').ifExists().execute();
}
