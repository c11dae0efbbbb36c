import type { Kysely } from 'kysely';

/**
 * SMPP server, MO and packed text. `smpp_mo` holds every inbound message handed to an account's receivers until the
 * ESME acknowledged its deliver_sm (claimed under a lease by the node sending it, released when the session ends
 * without an answer, so it goes again on the next bind; kept as many days as receipts). `smpp_accounts.gsm7_packed`:
 * the account's ESMEs read and write data_coding 0 as packed septets (unpacked, one septet an octet, by default).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('smpp_mo').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('smpp_accounts.id').onDelete('cascade'))
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .execute();
  await db.schema.createIndex('smpp_mo_account').ifNotExists().on('smpp_mo').columns(['account_id', 'id']).execute();
  await db.schema.alterTable('smpp_accounts').addColumn('gsm7_packed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
