import type { Db, LotteryDrawsTable, LotteryEntriesTable, LotteryWinnersTable } from '../database.ts';
import { runWrite, type BulkTarget } from '../bulk.ts';

const entrySql = `insert into lottery_entries (id, tenant_id, service_id, period, phone, contact_id, source_type, source_id, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (service_id, period, phone) do nothing`;

/** Stores an entry unless the number already entered in this period (one statement, prepared once on SQLite): true when this call entered it. */
export async function insertEntry(t: BulkTarget, row: LotteryEntriesTable): Promise<boolean> {
  return await runWrite(t, entrySql, [row.id, row.tenant_id, row.service_id, row.period, row.phone, row.contact_id, row.source_type, row.source_id, row.created_at]) === 1;
}

/** Every entry of a lottery (id and number), for freezing the list at the draw. */
export async function entriesOf(db: Db, tenantId: string, serviceId: string): Promise<Array<{ id: string; phone: string }>> {
  return db.selectFrom('lottery_entries').select(['id', 'phone']).where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).orderBy('id').execute();
}

/** Entries of a lottery counted by period. */
export async function entryCounts(db: Db, tenantId: string, serviceId: string): Promise<Array<{ period: string; source: string; n: number }>> {
  const rows = await db.selectFrom('lottery_entries').select(['period', 'source_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).groupBy(['period', 'source_type']).orderBy('period').execute();
  return rows.map((r) => ({ period: r.period, source: r.source_type, n: Number(r.n) }));
}

/** Stores a draw (its seed hash published). */
export async function insertDraw(db: Db, row: LotteryDrawsTable): Promise<void> {
  await db.insertInto('lottery_draws').values(row).execute();
}

/** The draws of a lottery, oldest first. */
export async function drawsOf(db: Db, tenantId: string, serviceId: string): Promise<LotteryDrawsTable[]> {
  return db.selectFrom('lottery_draws').selectAll().where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).orderBy('created_at').execute();
}

/** One draw of a lottery. */
export async function drawRow(db: Db, tenantId: string, serviceId: string, id: string): Promise<LotteryDrawsTable | undefined> {
  return db.selectFrom('lottery_draws').selectAll().where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).where('id', '=', id).executeTakeFirst();
}

/** Moves a draw from one status to another; true for exactly one of concurrent callers. */
export async function moveDraw(db: Db, id: string, from: string, patch: Partial<LotteryDrawsTable> & { status: string }): Promise<boolean> {
  const r = await db.updateTable('lottery_draws').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Stores the winning moments of an instant-win lottery. */
export async function insertMoments(db: Db, tenantId: string, serviceId: string, moments: Array<{ id: string; prize: string; at: string }>): Promise<void> {
  for (let i = 0; i < moments.length; i += 500) {
    await db.insertInto('lottery_moments').values(moments.slice(i, i + 500).map((m) => ({ ...m, tenant_id: tenantId, service_id: serviceId, entry_id: null }))).execute();
  }
}

/**
 * Takes the earliest unclaimed moment at or before `at` for an entry, by a conditional update (a moment is taken
 * once, whatever runs at the same time); a lost race tries the next one. Returns the prize, or null.
 */
export async function takeMoment(db: Db, serviceId: string, entryId: string, at: string): Promise<string | null> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const m = await db.selectFrom('lottery_moments').select(['id', 'prize']).where('service_id', '=', serviceId).where('entry_id', 'is', null).where('at', '<=', at)
      .orderBy('at').limit(1).executeTakeFirst();
    if (!m) return null;
    const r = await db.updateTable('lottery_moments').set({ entry_id: entryId }).where('id', '=', m.id).where('entry_id', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return m.prize;
  }
  return null;
}

/** The moments of a lottery with the entry that took each. */
export async function momentsOf(db: Db, serviceId: string): Promise<Array<{ prize: string; at: string; entry_id: string | null }>> {
  return db.selectFrom('lottery_moments').select(['prize', 'at', 'entry_id']).where('service_id', '=', serviceId).orderBy('at').orderBy('id').execute();
}

/** Stores winners. */
export async function insertWinners(db: Db, rows: LotteryWinnersTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('lottery_winners').values(rows.slice(i, i + 500)).execute();
}

/** Whether a number has won in a lottery before. */
export async function hasWon(db: Db, serviceId: string, phone: string): Promise<boolean> {
  return !!await db.selectFrom('lottery_winners').select('id').where('service_id', '=', serviceId).where('phone', '=', phone).executeTakeFirst();
}

/** Winners of a lottery (optionally of one draw, or the one with a claim code, case-insensitive), oldest first. */
export async function winnersOf(db: Db, tenantId: string, serviceId: string, opts: { drawId?: string; claimCode?: string } = {}): Promise<LotteryWinnersTable[]> {
  let q = db.selectFrom('lottery_winners').selectAll().where('tenant_id', '=', tenantId).where('service_id', '=', serviceId);
  if (opts.drawId) q = q.where('draw_id', '=', opts.drawId);
  if (opts.claimCode) q = q.where('claim_code', '=', opts.claimCode.trim().toUpperCase());
  return q.orderBy('created_at').orderBy('id').execute();
}
