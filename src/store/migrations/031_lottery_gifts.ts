import type { Kysely } from 'kysely';

/**
 * Gift prizes of a lottery (src/services/lottery/prizes.ts): what each winner was given — `award` points (through
 * the ledger), gift (a reservation of the catalogue's stock: `gift_id`, `redemption_id`), substitute (the frozen
 * rule's points because the gift had run out), out_of_stock (the gift had run out, no substitute), or name (a named
 * prize only, handed over against the claim code).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lottery_winners').addColumn('award', 'text', (c) => c.notNull().defaultTo('name')).execute();
  await db.schema.alterTable('lottery_winners').addColumn('gift_id', 'text').execute();
  await db.schema.alterTable('lottery_winners').addColumn('redemption_id', 'text').execute();
  await db.updateTable('lottery_winners').set({ award: 'points' }).where('points', '>', 0).execute();
  await db.schema.createIndex('lottery_winners_claim').on('lottery_winners').columns(['tenant_id', 'claim_code']).execute();
}
