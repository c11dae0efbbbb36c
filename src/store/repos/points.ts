// Points accounts and their append-only ledger: every credit, debit, expiry and refund is an entry unique by
// (account, source type, source id), so the same event twice is the existing entry, never a second movement.
// Every change locks the account row first (one writer per account on PostgreSQL too), expires what is due,
// then writes (a credit earned by an MO, creditOnce, leaves due expiries to the next change or the expiry round);
// the account's cached balance always equals the sum of its entries.
import type { Kysely } from 'kysely';
import type { Database, Db, PointsAccountsTable, PointsEntriesTable } from '../database.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { olderThan } from '../keyset.ts';
import { runStatement, runWrite, type BulkTarget } from '../bulk.ts';

/** Where an entry comes from; with the source id it makes the entry unique in its account. */
export const pointsSourceTypes = ['service', 'referral', 'code_check', 'api', 'manual', 'lottery', 'redemption', 'refund', 'expiry'] as const;

/** One of the source types. */
export type PointsSourceType = typeof pointsSourceTypes[number];

/** The event an entry records: its type and its id within the type (an inbound id, a referral id, an Idempotency-Key…). */
export interface PointsSource { type: PointsSourceType; id: string }

/** Kinds of entries: credits (and refunds) can be spent and expire; debits and expiries take points away. */
export type PointsEntryKind = 'credit' | 'debit' | 'expiry' | 'refund';

/** One ledger entry as shown. */
export interface PointsEntry {
  id: string; kind: PointsEntryKind; points: number; remaining: number; expiresAt: string | null; source: PointsSource; note: string | null; createdAt: string;
}

/** What an entry-writing call returns: the entry (new or the existing one for the source) and the balance after. */
export interface PointsResult { entry: PointsEntry; created: boolean; balance: number }

/** A credit to make. */
export interface CreditInput { contactId: string; points: number; source: PointsSource; expiresAt?: string | null; note?: string | null }

/** A debit to make (spends the earliest-expiring points first). */
export interface DebitInput { contactId: string; points: number; source: PointsSource; note?: string | null }

/** The part of a credit a debit spent. */
interface Allocation { id: string; points: number }

function toEntry(r: PointsEntriesTable): PointsEntry {
  return {
    id: r.id, kind: r.kind as PointsEntryKind, points: Number(r.points), remaining: Number(r.remaining), expiresAt: r.expires_at,
    source: { type: r.source_type as PointsSourceType, id: r.source_id }, note: r.note, createdAt: r.created_at,
  };
}

function checkPoints(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0 || points > 1_000_000_000) {
    throw new DomainError('invalid_request', `points must be a whole number from 1 to 1000000000, not ${points}`, { field: 'points' });
  }
}

function inTransaction<T>(db: Db, run: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : (db as Kysely<Database>).transaction().execute(run);
}

/** Orders spendable entries earliest-expiring first (never-expiring last), then oldest first. */
function spendOrder(a: PointsEntriesTable, b: PointsEntriesTable): number {
  if (a.expires_at !== b.expires_at) {
    if (a.expires_at === null) return 1;
    if (b.expires_at === null) return -1;
    return a.expires_at < b.expires_at ? -1 : 1;
  }
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1;
}

/**
 * The contact's account, created if needed and locked for this transaction (PostgreSQL holds the row until commit;
 * SQLite has one writer), with every credit due to expire at `now` expired first. Unknown contact → not_found.
 */
async function lockAccount(trx: Db, tenantId: string, contactId: string, now: string): Promise<PointsAccountsTable & { expiredEntries: number }> {
  const contact = await trx.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('id', '=', contactId).executeTakeFirst();
  if (!contact) throw notFound('contact');
  await trx.insertInto('points_accounts').values({ id: newId(), tenant_id: tenantId, contact_id: contactId, balance: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'contact_id']).doNothing()).execute();
  const account = await trx.updateTable('points_accounts').set({ updated_at: now }).where('tenant_id', '=', tenantId).where('contact_id', '=', contactId)
    .returningAll().executeTakeFirstOrThrow();
  const expired = await expireDue(trx, account, now);
  return { ...account, balance: Number(account.balance) - expired.points, expiredEntries: expired.entries };
}

/** Writes an expiry entry for every credit of a locked account whose time has come; returns the points and entries. */
async function expireDue(trx: Db, account: PointsAccountsTable, now: string): Promise<{ points: number; entries: number }> {
  const due = await trx.selectFrom('points_entries').selectAll().where('account_id', '=', account.id).where('remaining', '>', 0)
    .where('expires_at', 'is not', null).where('expires_at', '<=', now).execute();
  let expired = 0;
  for (const credit of due) {
    const points = Number(credit.remaining);
    await trx.insertInto('points_entries').values({
      id: newId(), tenant_id: account.tenant_id, account_id: account.id, kind: 'expiry', points: -points, remaining: 0, expires_at: null,
      source_type: 'expiry', source_id: credit.id, note: `expired at ${credit.expires_at}`, allocations: JSON.stringify([{ id: credit.id, points }]), created_at: now,
    }).execute();
    await trx.updateTable('points_entries').set({ remaining: 0 }).where('id', '=', credit.id).execute();
    expired += points;
  }
  if (expired) await trx.updateTable('points_accounts').set({ balance: Number(account.balance) - expired }).where('id', '=', account.id).execute();
  return { points: expired, entries: due.length };
}

async function existingEntry(trx: Db, accountId: string, source: PointsSource): Promise<PointsEntriesTable | undefined> {
  return trx.selectFrom('points_entries').selectAll().where('account_id', '=', accountId).where('source_type', '=', source.type).where('source_id', '=', source.id).executeTakeFirst();
}

async function append(trx: Db, account: PointsAccountsTable, row: Omit<PointsEntriesTable, 'id' | 'tenant_id' | 'account_id'>): Promise<PointsResult> {
  const entry: PointsEntriesTable = { id: newId(), tenant_id: account.tenant_id, account_id: account.id, ...row };
  await trx.insertInto('points_entries').values(entry).execute();
  const balance = Number(account.balance) + row.points;
  await trx.updateTable('points_accounts').set({ balance }).where('id', '=', account.id).execute();
  return { entry: toEntry(entry), created: true, balance };
}

function checkSource(source: PointsSource): void {
  if (!(pointsSourceTypes as readonly string[]).includes(source.type)) throw new DomainError('invalid_request', `source.type must be one of ${pointsSourceTypes.join(', ')}`, { field: 'source.type' });
  if (!source.id || source.id.length > 200) throw new DomainError('invalid_request', 'source.id must be 1 to 200 characters', { field: 'source.id' });
}

/**
 * Credits points to a contact (an account is created on the first credit). Idempotent: the same source twice
 * returns the existing entry with `created: false` and credits nothing. `expiresAt` (ISO time) makes the grant expire.
 */
export async function creditPoints(db: Db, tenantId: string, input: CreditInput, at: Date = new Date()): Promise<PointsResult> {
  checkPoints(input.points);
  checkSource(input.source);
  const now = at.toISOString();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new DomainError('invalid_request', `expiresAt is not a time: ${input.expiresAt}`, { field: 'expiresAt' });
  return inTransaction(db, async (trx) => {
    const account = await lockAccount(trx, tenantId, input.contactId, now);
    const seen = await existingEntry(trx, account.id, input.source);
    if (seen) return { entry: toEntry(seen), created: false, balance: Number(account.balance) };
    if (expiresAt && expiresAt.toISOString() <= now) throw new DomainError('invalid_request', `expiresAt ${input.expiresAt} is already past`, { field: 'expiresAt' });
    return append(trx, account, {
      kind: 'credit', points: input.points, remaining: input.points, expires_at: expiresAt?.toISOString() ?? null, source_type: input.source.type,
      source_id: input.source.id, note: input.note ?? null, allocations: null, created_at: now,
    });
  });
}

const creditAccountSql = `insert into points_accounts (id, tenant_id, contact_id, balance, created_at, updated_at) values (?, ?, ?, ?, ?, ?)
  on conflict (tenant_id, contact_id) do update set balance = points_accounts.balance + excluded.balance, updated_at = excluded.updated_at returning id`;
const creditEntrySql = `insert into points_entries (id, tenant_id, account_id, kind, points, remaining, expires_at, source_type, source_id, note, allocations, created_at)
  values (?, ?, ?, 'credit', ?, ?, null, ?, ?, ?, null, ?) on conflict (account_id, source_type, source_id) do nothing`;
const uncreditSql = 'update points_accounts set balance = balance - ? where id = ?';

/**
 * A credit in the caller's transaction (an MO's, so it commits with what earned it), in two statements prepared once
 * on SQLite: the account created or locked with the points added, then the entry inserted unless its source is
 * already in the ledger, in which case a third statement takes the points back (the account row stays locked, so
 * no one sees the balance between). Due expiries are left to the next debit or the expiry round (they never change
 * what a credit writes). True when it credited.
 */
export async function creditOnce(t: BulkTarget, tenantId: string, input: Omit<CreditInput, 'expiresAt'>, at: Date): Promise<boolean> {
  checkPoints(input.points);
  checkSource(input.source);
  const now = at.toISOString();
  const [account] = await runStatement<{ id: string }>(t, creditAccountSql, [newId(), tenantId, input.contactId, input.points, now, now]);
  const credited = await runWrite(t, creditEntrySql, [newId(), tenantId, account.id, input.points, input.points, input.source.type, input.source.id, input.note ?? null, now]);
  if (credited) return true;
  await runWrite(t, uncreditSql, [input.points, account.id]);
  return false;
}

/**
 * Debits points, spending the earliest-expiring credits first. Idempotent like a credit. Returns null (and writes
 * nothing) when the balance does not cover the debit.
 */
export async function debitPoints(db: Db, tenantId: string, input: DebitInput, at: Date = new Date()): Promise<PointsResult | null> {
  checkPoints(input.points);
  checkSource(input.source);
  const now = at.toISOString();
  return inTransaction(db, async (trx) => {
    const account = await lockAccount(trx, tenantId, input.contactId, now);
    const seen = await existingEntry(trx, account.id, input.source);
    if (seen) return { entry: toEntry(seen), created: false, balance: Number(account.balance) };
    if (Number(account.balance) < input.points) return null;
    const spendable = (await trx.selectFrom('points_entries').selectAll().where('account_id', '=', account.id).where('remaining', '>', 0).execute()).sort(spendOrder);
    const allocations: Allocation[] = [];
    let left = input.points;
    for (const credit of spendable) {
      if (!left) break;
      const take = Math.min(left, Number(credit.remaining));
      await trx.updateTable('points_entries').set({ remaining: Number(credit.remaining) - take }).where('id', '=', credit.id).execute();
      allocations.push({ id: credit.id, points: take });
      left -= take;
    }
    return append(trx, account, {
      kind: 'debit', points: -input.points, remaining: 0, expires_at: null, source_type: input.source.type, source_id: input.source.id,
      note: input.note ?? null, allocations: JSON.stringify(allocations), created_at: now,
    });
  });
}

/**
 * Gives back the points of a debit (a cancelled redemption): one refund entry, source `refund` + the debit's source id,
 * expiring when the latest of the spent credits would have (never, if one of them never expires). Idempotent.
 */
export async function refundDebit(db: Db, tenantId: string, input: { contactId: string; debit: PointsSource; note?: string | null }, at: Date = new Date()): Promise<PointsResult> {
  const now = at.toISOString();
  return inTransaction(db, async (trx) => {
    const account = await lockAccount(trx, tenantId, input.contactId, now);
    const debit = await existingEntry(trx, account.id, input.debit);
    if (!debit || debit.kind !== 'debit') throw notFound('debit entry');
    const source: PointsSource = { type: 'refund', id: `${input.debit.type}:${input.debit.id}` };
    const seen = await existingEntry(trx, account.id, source);
    if (seen) return { entry: toEntry(seen), created: false, balance: Number(account.balance) };
    const spent = JSON.parse(debit.allocations ?? '[]') as Allocation[];
    const credits = spent.length ? await trx.selectFrom('points_entries').select('expires_at').where('id', 'in', spent.map((s) => s.id)).execute() : [];
    const expiries = credits.map((c) => c.expires_at);
    const expiresAt = !expiries.length || expiries.includes(null) ? null : expiries.reduce((a, b) => (a! > b! ? a : b));
    const points = -Number(debit.points);
    return append(trx, account, {
      kind: 'refund', points, remaining: points, expires_at: expiresAt, source_type: source.type, source_id: source.id,
      note: input.note ?? null, allocations: null, created_at: now,
    });
  });
}

/** The points a contact can spend at `at`: the unspent, unexpired part of its credits (0 without an account). */
export async function pointsBalance(db: Db, tenantId: string, contactId: string, at: Date = new Date()): Promise<number> {
  const r = await db.selectFrom('points_entries').innerJoin('points_accounts', 'points_accounts.id', 'points_entries.account_id')
    .select((eb) => eb.fn.sum<string | number | null>('points_entries.remaining').as('sum'))
    .where('points_accounts.tenant_id', '=', tenantId).where('points_accounts.contact_id', '=', contactId).where('points_entries.remaining', '>', 0)
    .where((eb) => eb.or([eb('points_entries.expires_at', 'is', null), eb('points_entries.expires_at', '>', at.toISOString())]))
    .executeTakeFirst();
  return Number(r?.sum ?? 0);
}

/** A contact's ledger, newest first (`before` = an entry's createdAt to page on). */
export async function listPointsEntries(db: Db, tenantId: string, contactId: string, opts: { limit: number; before?: string }): Promise<PointsEntry[]> {
  const rows = await db.selectFrom('points_entries').innerJoin('points_accounts', 'points_accounts.id', 'points_entries.account_id').selectAll('points_entries')
    .where('points_accounts.tenant_id', '=', tenantId).where('points_accounts.contact_id', '=', contactId)
    .$if(!!opts.before, (q) => q.where(olderThan('points_entries.created_at', 'points_entries.id', opts.before!)))
    .orderBy('points_entries.created_at', 'desc').orderBy('points_entries.id', 'desc').limit(opts.limit).execute();
  return rows.map(toEntry);
}

/** An account as listed: the contact, its cached balance and when it last changed. */
export interface PointsAccount { contactId: string; phone: string; name: string | null; balance: number; updatedAt: string }

/** The tenant's points accounts, highest balance first (optionally only a number's). */
export async function listPointsAccounts(db: Db, tenantId: string, opts: { limit: number; phone?: string }): Promise<PointsAccount[]> {
  const rows = await db.selectFrom('points_accounts').innerJoin('contacts', 'contacts.id', 'points_accounts.contact_id')
    .select(['points_accounts.contact_id', 'contacts.phone', 'contacts.name', 'points_accounts.balance', 'points_accounts.updated_at'])
    .where('points_accounts.tenant_id', '=', tenantId).$if(!!opts.phone, (q) => q.where('contacts.phone', '=', opts.phone!))
    .orderBy('points_accounts.balance', 'desc').orderBy('points_accounts.contact_id').limit(opts.limit).execute();
  return rows.map((r) => ({ contactId: r.contact_id, phone: r.phone, name: r.name, balance: Number(r.balance), updatedAt: r.updated_at }));
}

/** Expires the due credits of up to `limit` accounts (any tenant), one transaction per account; returns the entries written. */
export async function expirePoints(db: Kysely<Database>, at: Date = new Date(), limit = 200): Promise<number> {
  const now = at.toISOString();
  const due = await db.selectFrom('points_entries').innerJoin('points_accounts', 'points_accounts.id', 'points_entries.account_id')
    .select(['points_accounts.tenant_id', 'points_accounts.contact_id']).distinct()
    .where('points_entries.remaining', '>', 0).where('points_entries.expires_at', 'is not', null).where('points_entries.expires_at', '<=', now)
    .limit(limit).execute();
  let written = 0;
  for (const a of due) {
    written += await db.transaction().execute(async (trx) => (await lockAccount(trx, a.tenant_id, a.contact_id, now)).expiredEntries);
  }
  return written;
}
