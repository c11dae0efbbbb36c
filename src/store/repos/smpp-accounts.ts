import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, Db, SmppAccountsTable, SmppMoTable, SmppSubmitsTable } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import { hashPassword } from '../../domain/secrets.ts';
import { insertRows, paddedChunks, placeholderList, runStatement, runWrite, type BulkTarget } from '../bulk.ts';
import type { Store } from '../dialect.ts';

/** Bind types an account may use. */
export const bindTypes = ['transmitter', 'receiver', 'transceiver'] as const;
/** One of the bind types. */
export type BindType = (typeof bindTypes)[number];
/** Where MO to the tenant's numbers goes for this account. */
export const moDeliveries = ['smpp', 'webhook', 'both'] as const;
/** One of the MO deliveries. */
export type MoDelivery = (typeof moDeliveries)[number];

/** An SMPP account as the API shows it (never its password). */
export interface SmppAccount {
  id: string; tenantId: string; systemId: string; bindTypes: BindType[]; maxBinds: number; tps: number; window: number;
  sourceAddresses: string[]; ipAllowlist: string[]; defaultCategory: string; moDelivery: MoDelivery; enabled: boolean;
  /** data_coding 0 read and written as packed septets (GSM 03.38 §6.1.2.1) instead of one septet an octet. */
  gsm7Packed: boolean;
  lastError: string | null; lastErrorAt: string | null; createdAt: string; updatedAt: string;
}

/** What a caller gives to create an account (password in clear, hashed here) or change one. */
export interface SmppAccountInput {
  systemId: string; password: string; bindTypes?: BindType[]; maxBinds?: number; tps?: number; window?: number;
  sourceAddresses?: string[]; ipAllowlist?: string[]; defaultCategory?: string; moDelivery?: MoDelivery; enabled?: boolean; gsm7Packed?: boolean;
}

const list = (v: string): string[] => {
  try { const a = JSON.parse(v) as unknown; return Array.isArray(a) ? a.map(String) : []; } catch { return []; }
};

function toAccount(r: SmppAccountsTable): SmppAccount {
  return {
    id: r.id, tenantId: r.tenant_id, systemId: r.system_id, bindTypes: list(r.bind_types) as BindType[], maxBinds: r.max_binds, tps: r.tps,
    window: r.window, sourceAddresses: list(r.source_addresses), ipAllowlist: list(r.ip_allowlist), defaultCategory: r.default_category,
    moDelivery: r.mo_delivery as MoDelivery, enabled: r.enabled === 1, gsm7Packed: r.gsm7_packed === 1, lastError: r.last_error, lastErrorAt: r.last_error_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

async function refuseTakenSystemId(db: Db, systemId: string, exceptId: string | null): Promise<void> {
  const taken = await db.selectFrom('smpp_accounts').select('id').where('system_id', '=', systemId).executeTakeFirst();
  if (taken && taken.id !== exceptId) throw new DomainError('conflict', `system_id ${systemId} is taken`, { field: 'systemId' });
}

/** Creates an SMPP account of the tenant; system_id is unique on the platform (it is all a bind names). */
export async function createSmppAccount(db: Db, tenantId: string, input: SmppAccountInput, now: string): Promise<SmppAccount> {
  await refuseTakenSystemId(db, input.systemId, null);
  const row: SmppAccountsTable = {
    id: newId(), tenant_id: tenantId, system_id: input.systemId, password_hash: await hashPassword(input.password),
    bind_types: JSON.stringify(input.bindTypes ?? [...bindTypes]), max_binds: input.maxBinds ?? 2, tps: input.tps ?? 100, window: input.window ?? 50,
    source_addresses: JSON.stringify(input.sourceAddresses ?? []), ip_allowlist: JSON.stringify(input.ipAllowlist ?? []),
    default_category: input.defaultCategory ?? 'notification', mo_delivery: input.moDelivery ?? 'smpp', mo_cursor: newId(), enabled: input.enabled === false ? 0 : 1, gsm7_packed: input.gsm7Packed ? 1 : 0,
    last_error: null, last_error_at: null, created_at: now, updated_at: now,
  };
  await db.insertInto('smpp_accounts').values(row).execute();
  return toAccount(row);
}

/** The tenant's SMPP accounts by system_id. */
export async function listSmppAccounts(db: Db, tenantId: string): Promise<SmppAccount[]> {
  return (await db.selectFrom('smpp_accounts').selectAll().where('tenant_id', '=', tenantId).orderBy('system_id').execute()).map(toAccount);
}

/** One SMPP account of the tenant. */
export async function getSmppAccount(db: Db, tenantId: string, id: string): Promise<SmppAccount | undefined> {
  const r = await db.selectFrom('smpp_accounts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toAccount(r);
}

/** Changes an account of the tenant (a new password is hashed). */
export async function updateSmppAccount(db: Db, tenantId: string, id: string, patch: Partial<SmppAccountInput>, now: string): Promise<SmppAccount | undefined> {
  const current = await getSmppAccount(db, tenantId, id);
  if (!current) return undefined;
  if (patch.systemId !== undefined) await refuseTakenSystemId(db, patch.systemId, id);
  const set: Partial<SmppAccountsTable> = { updated_at: now };
  if (patch.systemId !== undefined) set.system_id = patch.systemId;
  if (patch.password !== undefined) set.password_hash = await hashPassword(patch.password);
  if (patch.bindTypes !== undefined) set.bind_types = JSON.stringify(patch.bindTypes);
  if (patch.maxBinds !== undefined) set.max_binds = patch.maxBinds;
  if (patch.tps !== undefined) set.tps = patch.tps;
  if (patch.window !== undefined) set.window = patch.window;
  if (patch.sourceAddresses !== undefined) set.source_addresses = JSON.stringify(patch.sourceAddresses);
  if (patch.ipAllowlist !== undefined) set.ip_allowlist = JSON.stringify(patch.ipAllowlist);
  if (patch.defaultCategory !== undefined) set.default_category = patch.defaultCategory;
  if (patch.moDelivery !== undefined) set.mo_delivery = patch.moDelivery;
  if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
  if (patch.gsm7Packed !== undefined) set.gsm7_packed = patch.gsm7Packed ? 1 : 0;
  await db.updateTable('smpp_accounts').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return getSmppAccount(db, tenantId, id);
}

/** Deletes an account of the tenant (its sessions and owed receipts with it). */
export async function deleteSmppAccount(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('smpp_accounts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The account a bind names, with its password hash (a bind carries only the system_id: the one lookup not scoped by tenant). */
export async function findSmppAccountForBind(db: Db, systemId: string): Promise<(SmppAccount & { passwordHash: string }) | undefined> {
  const r = await db.selectFrom('smpp_accounts').selectAll().where('system_id', '=', systemId).executeTakeFirst();
  return r && { ...toAccount(r), passwordHash: r.password_hash };
}

/** Records the latest refusal of an account's submits (shown in the console). */
export async function noteSmppAccountError(db: Db, accountId: string, error: string, at: string): Promise<void> {
  await db.updateTable('smpp_accounts').set({ last_error: error.slice(0, 500), last_error_at: at }).where('id', '=', accountId).execute();
}

// ---- sessions bound now ------------------------------------------------------------------------------------

/** A bound session as the console shows it. */
export interface SmppSessionView { id: string; node: string; bindType: string; address: string; boundAt: string }

/** Records a bound session when the account has fewer than `maxBinds` live ones (any node); false when it is full. */
export async function openSmppSession(db: Db, s: { id: string; accountId: string; node: string; bindType: BindType; address: string; maxBinds: number; now: string; until: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const live = await trx.selectFrom('smpp_sessions').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', s.accountId).where('lease_until', '>', s.now).executeTakeFirstOrThrow();
    if (Number(live.n) >= s.maxBinds) return false;
    await trx.deleteFrom('smpp_sessions').where('account_id', '=', s.accountId).where('lease_until', '<=', s.now).execute();
    await trx.insertInto('smpp_sessions').values({ id: s.id, account_id: s.accountId, node_id: s.node, bind_type: s.bindType, address: s.address, bound_at: s.now, lease_until: s.until }).execute();
    return true;
  });
}

/** Renews the leases of this node's bound sessions. */
export async function renewSmppSessions(db: Db, ids: string[], until: string): Promise<void> {
  if (ids.length) await db.updateTable('smpp_sessions').set({ lease_until: until }).where('id', 'in', ids).execute();
}

/** Forgets a session that ended. */
export async function closeSmppSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('smpp_sessions').where('id', '=', id).execute();
}

/** Live sessions of an account of the tenant. */
export async function listSmppSessions(db: Db, tenantId: string, accountId: string, now: string): Promise<SmppSessionView[]> {
  const rows = await db.selectFrom('smpp_sessions').innerJoin('smpp_accounts', 'smpp_accounts.id', 'smpp_sessions.account_id')
    .select(['smpp_sessions.id', 'smpp_sessions.node_id', 'smpp_sessions.bind_type', 'smpp_sessions.address', 'smpp_sessions.bound_at'])
    .where('smpp_accounts.tenant_id', '=', tenantId).where('smpp_sessions.account_id', '=', accountId).where('smpp_sessions.lease_until', '>', now)
    .orderBy('smpp_sessions.bound_at').execute();
  return rows.map((r) => ({ id: r.id, node: r.node_id, bindType: r.bind_type, address: r.address, boundAt: r.bound_at }));
}

// ---- submits and their receipts ----------------------------------------------------------------------------

/** A submit to record with the message it became. */
export type NewSmppSubmit = Omit<SmppSubmitsTable, 'receipt_sent_at' | 'lease_owner' | 'lease_until'>;

const SUBMIT_COLUMNS = ['id', 'tenant_id', 'account_id', 'message_id', 'source', 'destination', 'registered_delivery', 'submitted_at', 'receipt_owed', 'reported_id'] as const;

/** Records accepted submits (in the transaction that stores their messages; on SQLite a statement prepared once: one runs per submit). */
export async function insertSmppSubmits(t: BulkTarget, rows: NewSmppSubmit[]): Promise<void> {
  await insertRows(t, 'smpp_submits', SUBMIT_COLUMNS, rows.map((r) => SUBMIT_COLUMNS.map((c) => r[c])));
}

/** A receipt owed to an ESME: the submit (`reportedId` the id the ESME was given) and the final state of its message. */
export interface OwedReceipt {
  id: string; reportedId: string; accountId: string; source: string; destination: string; registeredDelivery: number; submittedAt: string;
  status: string; stat: string | null; err: string | null; doneAt: string;
}

type OwedRow = { id: string; reported_id: string | null; account_id: string; source: string; destination: string; registered_delivery: number; submitted_at: string; status: string; carrier_stat: string | null; carrier_err: string | null; done_at: string };

/** Runs `fn` in a transaction of the store with the bulk-statement target of that transaction (prepared statements on SQLite). */
function inTransaction<T>(store: Store, fn: (t: BulkTarget) => Promise<T>): Promise<T> {
  return store.db.transaction().execute((trx) => fn({ db: trx, dialect: store.dialect, sqlite: store.sqlite }));
}

/**
 * Claims up to `limit` receipts owed to the given accounts whose messages are final, under a lease for `owner`: a
 * receipt claimed by one node is not sent by another meanwhile, and one whose node died is claimed again after the lease.
 * With `messageIds` (messages this node saw finish), only their receipts are looked at — an index lookup each, instead
 * of a pass over every receipt still owed; without, every owed one is. One transaction of prepared statements, which
 * first settles `settle` (receipts the ESME acknowledged since: one commit less per round of receipts).
 */
export async function claimOwedReceipts(
  store: Store, accountIds: string[], owner: string, now: string, until: string, limit: number, messageIds?: string[], settle: string[] = [],
): Promise<OwedReceipt[]> {
  if (!accountIds.length || messageIds?.length === 0) {
    await settleReceipts(store, settle, now);
    return [];
  }
  const columns = 's.id, s.reported_id, s.account_id, s.source, s.destination, s.registered_delivery, s.submitted_at, m.status, m.carrier_stat, m.carrier_err, m.done_at';
  return inTransaction(store, async (t) => {
    await settleIn(t, settle, now);
    const rows: OwedRow[] = [];
    if (messageIds) {
      // messages first (cross join keeps that order on SQLite): the planner would otherwise walk the owed index, every
      // owed receipt; the rest of the conditions are checked here, and again by the claim below
      const accounts = new Set(accountIds);
      for (const chunk of paddedChunks(messageIds)) {
        const found = await runStatement<OwedRow & { receipt_owed: number; lease_until: string | null }>(t, `select ${columns}, s.receipt_owed, s.lease_until from messages m cross join smpp_submits s`
          + ` where m.id in (${placeholderList(chunk.length)}) and s.message_id = m.id and m.done_at is not null`, chunk);
        for (const r of found) if (r.receipt_owed === 1 && accounts.has(r.account_id) && (r.lease_until === null || r.lease_until < now) && rows.length < limit) rows.push(r);
      }
    } else {
      rows.push(...await runStatement<OwedRow>(t, `select ${columns} from smpp_submits s inner join messages m on m.id = s.message_id`
        + ` where s.account_id in (${placeholderList(accountIds.length)}) and s.receipt_owed = 1 and m.done_at is not null and (s.lease_until is null or s.lease_until < ?) limit ?`,
      [...accountIds, now, limit]));
    }
    const mine = new Set<string>();
    for (const chunk of paddedChunks(rows.map((r) => r.id))) {
      const claimed = await runStatement<{ id: string }>(t, `update smpp_submits set lease_owner = ?, lease_until = ? where id in (${placeholderList(chunk.length)})`
        + ' and receipt_owed = 1 and (lease_until is null or lease_until < ?) returning id', [owner, until, ...chunk, now]);
      for (const c of claimed) mine.add(c.id);
    }
    return rows.filter((r) => mine.has(r.id)).map((r) => ({
      id: r.id, reportedId: r.reported_id ?? r.id, accountId: r.account_id, source: r.source, destination: r.destination, registeredDelivery: r.registered_delivery, submittedAt: r.submitted_at,
      status: r.status, stat: r.carrier_stat, err: r.carrier_err, doneAt: r.done_at,
    }));
  });
}

/** Marks receipts as delivered to the ESME (or not wanted for this outcome): they are never sent again. */
export async function settleReceipts(store: Store, ids: string[], at: string): Promise<void> {
  if (ids.length) await inTransaction(store, (t) => settleIn(t, ids, at));
}

async function settleIn(t: BulkTarget, ids: string[], at: string): Promise<void> {
  for (const chunk of paddedChunks(ids)) {
    await runWrite(t, `update smpp_submits set receipt_owed = 0, receipt_sent_at = ?, lease_owner = null, lease_until = null where id in (${placeholderList(chunk.length)})`, [at, ...chunk]);
  }
}

/** Gives claimed receipts back (the session that was to carry them ended): another bind takes them at once. */
export async function releaseReceipts(store: Store, owner: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await inTransaction(store, async (t) => {
    for (const chunk of paddedChunks(ids)) {
      await runWrite(t, `update smpp_submits set lease_owner = null, lease_until = null where lease_owner = ? and id in (${placeholderList(chunk.length)})`, [owner, ...chunk]);
    }
  });
}

/** Deletes submits older than `before` (their receipts, sent or not, are kept until then). */
export async function purgeSmppSubmits(db: Db, before: string): Promise<void> {
  await db.deleteFrom('smpp_submits').where('submitted_at', '<', before).execute();
}

// ---- MO for the account's receivers -----------------------------------------------------------------------

/** An inbound message to hand to an ESME. */
export interface MoForEsme { id: string; from: string; to: string; text: string }

/**
 * Moves the tenant's inbound messages after the account's cursor (up to `limit`) into the account's owed MO and the
 * cursor past them, in one transaction with a compare-and-set on the cursor: of two nodes with receivers of the
 * account, only one takes a given message. Returns how many were taken.
 */
export async function queueMoForAccount(db: Kysely<Database>, accountId: string, limit: number, now: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const account = await trx.selectFrom('smpp_accounts').select(['tenant_id', 'mo_cursor', 'mo_delivery']).where('id', '=', accountId).executeTakeFirst();
    if (!account || account.mo_delivery === 'webhook') return 0;
    const rows = await trx.selectFrom('inbound_messages').select(['id', 'phone', 'to_number', 'text'])
      .where('tenant_id', '=', account.tenant_id).where('id', '>', account.mo_cursor).orderBy('id').limit(limit).execute();
    if (!rows.length) return 0;
    const moved = await trx.updateTable('smpp_accounts').set({ mo_cursor: rows[rows.length - 1].id })
      .where('id', '=', accountId).where('mo_cursor', '=', account.mo_cursor).executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return 0;
    const owed: SmppMoTable[] = rows.map((r) => ({
      id: newId(), account_id: accountId, inbound_id: r.id, from_number: r.phone, to_number: r.to_number, text: r.text, created_at: now, lease_owner: null, lease_until: null,
    }));
    for (let i = 0; i < owed.length; i += 500) await trx.insertInto('smpp_mo').values(owed.slice(i, i + 500)).execute();
    return owed.length;
  });
}

/** Claims up to `limit` MO owed to an account, oldest first, under a lease for `owner` (another node leaves them alone meanwhile). */
export async function claimOwedMo(db: Db, accountId: string, owner: string, now: string, until: string, limit: number): Promise<MoForEsme[]> {
  const free = (eb: ExpressionBuilder<Database, 'smpp_mo'>) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]);
  const rows = await db.selectFrom('smpp_mo').select(['id', 'from_number', 'to_number', 'text']).where('account_id', '=', accountId).where(free)
    .orderBy('id').limit(limit).execute();
  if (!rows.length) return [];
  const claimed = await db.updateTable('smpp_mo').set({ lease_owner: owner, lease_until: until })
    .where('id', 'in', rows.map((r) => r.id)).where(free).returning('id').execute();
  const mine = new Set(claimed.map((c) => c.id));
  return rows.filter((r) => mine.has(r.id)).map((r) => ({ id: r.id, from: r.from_number, to: r.to_number, text: r.text }));
}

/** Forgets MO an ESME acknowledged. */
export async function settleMo(db: Db, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await db.deleteFrom('smpp_mo').where('id', 'in', ids.slice(i, i + 500)).execute();
}

/** Gives claimed MO back (no acknowledgement came): the next bind of the account gets them. */
export async function releaseMo(db: Db, owner: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db.updateTable('smpp_mo').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).where('id', 'in', ids.slice(i, i + 500)).execute();
  }
}

/** Deletes MO no ESME took since before `before` (kept as long as receipts). */
export async function purgeSmppMo(db: Db, before: string): Promise<void> {
  await db.deleteFrom('smpp_mo').where('created_at', '<', before).execute();
}
