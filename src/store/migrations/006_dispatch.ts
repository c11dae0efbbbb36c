import { sql, type Kysely } from 'kysely';

/**
 * The carrier log moves onto the message row (`messages.channel_log`, one line per PDU), written in the same update
 * as the outcome instead of a row of its own; lines already logged are carried over before the old table goes.
 * The queue index splits in two: free queued messages by urgency (what a claim takes), and leased ones by lease end
 * (what a claim takes over when a worker died), so a claim never walks the messages other workers are sending.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_queue').ifExists().execute();
  await db.schema.createIndex('messages_queue').on('messages').columns(['priority', 'id']).where(sql<boolean>`status = 'queued' and lease_owner is null`).execute();
  await db.schema.createIndex('messages_leased').on('messages').column('lease_until').where(sql<boolean>`status = 'queued' and lease_owner is not null`).execute();
  await db.schema.alterTable('messages').addColumn('channel_log', 'text').execute();
  let after = '';
  for (;;) {
    const ids = (await db.selectFrom('channel_log').select('message_id').distinct().where('message_id', '>', after).orderBy('message_id').limit(1000).execute())
      .map((r) => r.message_id as string);
    if (!ids.length) break;
    const rows = await db.selectFrom('channel_log').select(['message_id', 'at', 'direction', 'summary']).where('message_id', 'in', ids).orderBy('message_id').orderBy('at').execute();
    const logs = new Map<string, string[]>();
    for (const r of rows) {
      const lines = logs.get(r.message_id) ?? [];
      // an old row may hold several lines (one flush); each keeps the row's time and the arrow it was written with
      for (const line of String(r.summary).split('\n')) lines.push(/^[→←] /.test(line) ? `${r.at} ${line}` : `${r.at} ${r.direction === 'out' ? '→' : '←'} ${line}`);
      logs.set(r.message_id, lines);
    }
    for (const [id, lines] of logs) await db.updateTable('messages').set({ channel_log: lines.join('\n') }).where('id', '=', id).execute();
    after = ids[ids.length - 1];
  }
  await db.schema.dropTable('channel_log').execute();
}
