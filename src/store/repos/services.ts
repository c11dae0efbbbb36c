import { sql } from 'kysely';
import type { Db, ServiceConversationsTable, ServiceMoClaimsTable, ServiceResponsesTable, ServicesTable } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import type { EntryStore, ResponseDraft, StoredResponse } from '../../services/service.ts';
import type { ContactFilter } from './contacts.ts';
import { insertRows, paddedChunks, placeholderList, runStatement, runWrite, upsertRows, type BulkTarget } from '../bulk.ts';

/** Lifecycle of a service. */
export type ServiceStatus = 'draft' | 'live' | 'closed';

/** A service as the API shows it. */
export interface Service {
  id: string; type: string; name: string; status: ServiceStatus; version: number; number: string | null; keywords: string[];
  config: unknown; openedAt: string | null; closedAt: string | null; createdAt: string; updatedAt: string;
}

function parse(text: string, fallback: unknown): unknown {
  try { return JSON.parse(text) as unknown; } catch { return fallback; }
}

/** Maps a row to the API shape. */
export function toService(r: ServicesTable): Service {
  return {
    id: r.id, type: r.type, name: r.name, status: r.status as ServiceStatus, version: r.version, number: r.number,
    keywords: parse(r.keywords, []) as string[], config: parse(r.config, {}), openedAt: r.opened_at, closedAt: r.closed_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** A keyword to hold: its normalised form and the scope it is held on. */
export interface KeywordClaim { scope: string; keyword: string }

/**
 * Holds keywords for a service, all or none: a keyword held by another service on the same scope is a conflict
 * naming the holder. Runs inside the caller's transaction.
 */
export async function holdKeywords(trx: Db, tenantId: string, serviceId: string, claims: KeywordClaim[], now: string): Promise<void> {
  await trx.deleteFrom('service_keywords').where('service_id', '=', serviceId).execute();
  for (const c of claims) {
    const taken = await trx.selectFrom('service_keywords').innerJoin('services', 'services.id', 'service_keywords.service_id')
      .select(['services.id', 'services.name', 'services.tenant_id']).where('scope', '=', c.scope).where('keyword', '=', c.keyword).executeTakeFirst();
    if (taken) {
      const mine = taken.tenant_id === tenantId;
      throw new DomainError('conflict', mine ? `keyword ${c.keyword || '(the whole number)'} is already held on this number by the service "${taken.name}"`
        : `keyword ${c.keyword || '(the whole number)'} is already held on this number by another tenant`,
      { keyword: c.keyword, scope: c.scope, ...(mine ? { serviceId: taken.id, serviceName: taken.name } : {}) });
    }
    await trx.insertInto('service_keywords').values({ scope: c.scope, keyword: c.keyword, tenant_id: tenantId, service_id: serviceId, created_at: now }).execute();
  }
}

/** Releases every keyword of a service. */
export async function releaseKeywords(db: Db, serviceId: string): Promise<void> {
  await db.deleteFrom('service_keywords').where('service_id', '=', serviceId).execute();
}

/** Stores a new service (draft, version 1) with its first version row. */
export async function insertService(trx: Db, row: ServicesTable): Promise<void> {
  await trx.insertInto('services').values(row).execute();
  await trx.insertInto('service_versions').values({ service_id: row.id, version: row.version, keywords: row.keywords, config: row.config, created_at: row.created_at }).execute();
}

/** Writes a service's row; a new version also gets its version row, a draft edit rewrites its current one. */
export async function saveService(trx: Db, row: ServicesTable, newVersion: boolean): Promise<void> {
  await trx.updateTable('services').set({ ...row, id: undefined, tenant_id: undefined } as never).where('id', '=', row.id).where('tenant_id', '=', row.tenant_id).execute();
  if (newVersion) await trx.insertInto('service_versions').values({ service_id: row.id, version: row.version, keywords: row.keywords, config: row.config, created_at: row.updated_at }).execute();
  else await trx.updateTable('service_versions').set({ keywords: row.keywords, config: row.config }).where('service_id', '=', row.id).where('version', '=', row.version).execute();
}

/** One service row of a tenant. */
export async function serviceRow(db: Db, tenantId: string, id: string): Promise<ServicesTable | undefined> {
  return db.selectFrom('services').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The tenant's services, newest first, optionally of one type or status. */
export async function listServices(db: Db, tenantId: string, opts: { type?: string; status?: string } = {}): Promise<Service[]> {
  let q = db.selectFrom('services').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc');
  if (opts.type) q = q.where('type', '=', opts.type);
  if (opts.status) q = q.where('status', '=', opts.status);
  return (await q.execute()).map(toService);
}

/** Deletes a service and everything it kept. */
export async function deleteService(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('services').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The keywords and config of a service at a version. */
export async function serviceVersion(db: Db, serviceId: string, version: number): Promise<{ keywords: string; config: string } | undefined> {
  return db.selectFrom('service_versions').select(['keywords', 'config']).where('service_id', '=', serviceId).where('version', '=', version).executeTakeFirst();
}

/** Live services of a tenant and the keywords they hold (what the router matches against). */
export async function liveServices(db: Db, tenantId: string): Promise<{ services: ServicesTable[]; keywords: Array<{ scope: string; keyword: string; service_id: string }> }> {
  const services = await db.selectFrom('services').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'live').execute();
  const keywords = services.length
    ? await db.selectFrom('service_keywords').select(['scope', 'keyword', 'service_id']).where('tenant_id', '=', tenantId)
      .where('service_id', 'in', services.map((s) => s.id)).execute()
    : [];
  return { services, keywords };
}

// ---- conversations -----------------------------------------------------------------------------------

/** The key that makes one waiting conversation per (tenant, address, number). */
export function waitingKey(tenantId: string, address: string, phone: string): string {
  return `${tenantId}|${address}|${phone}`;
}

/** The waiting conversation of a number on an address, if any. */
export async function waitingConversation(db: Db, tenantId: string, address: string, phone: string): Promise<ServiceConversationsTable | undefined> {
  return db.selectFrom('service_conversations').selectAll().where('waiting_key', '=', waitingKey(tenantId, address, phone)).executeTakeFirst();
}

/** The waiting conversations of these waiting keys, by key (one read for a batch of MO). */
export async function waitingConversations(t: BulkTarget, keys: string[]): Promise<Map<string, ServiceConversationsTable>> {
  const out = new Map<string, ServiceConversationsTable>();
  for (const chunk of paddedChunks(keys)) {
    const rows = await runStatement<ServiceConversationsTable>(t, `select * from service_conversations where waiting_key in (${placeholderList(chunk.length)})`, chunk);
    for (const r of rows) out.set(r.waiting_key!, r);
  }
  return out;
}

/**
 * Takes the conversation for this MO: bumps its revision (with the `patch` of its change, if known) if it is still
 * the one read (false = someone else advanced it).
 */
export async function takeConversation(db: Db, id: string, revision: number, now: string, patch: Partial<Omit<ServiceConversationsTable, 'id'>> = {}): Promise<boolean> {
  const r = await db.updateTable('service_conversations').set({ ...patch, revision: revision + 1, updated_at: now })
    .where('id', '=', id).where('revision', '=', revision).where('state', '=', 'waiting').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Starts a waiting conversation (fails on the unique waiting key if one already waits). */
export async function insertConversation(db: Db, row: ServiceConversationsTable): Promise<void> {
  await db.insertInto('service_conversations').values(row).execute();
}

/** Stores whole conversation rows decided by one writer (a batch): new ones inserted, known ones replaced; 500 to a statement. */
export async function storeConversations(t: BulkTarget, rows: ServiceConversationsTable[]): Promise<void> {
  const last = [...new Map(rows.map((r) => [r.id, r])).values()];
  await upsertRows(t, 'service_conversations', conversationColumns, last.map((r) => conversationColumns.map((c) => r[c])), ['id'], conversationChanges);
}

const conversationChanges = [
  'state', 'waiting_key', 'step', 'data', 'retries', 'revision', 'prompt', 'remind_at', 'expires_at', 'ended_reason', 'updated_at',
] as const satisfies ReadonlyArray<keyof ServiceConversationsTable>;
const conversationColumns = [
  'id', 'tenant_id', 'service_id', 'service_version', 'phone', 'address', 'created_at', ...conversationChanges,
] as const satisfies ReadonlyArray<keyof ServiceConversationsTable>;

/** Changes a conversation (its state, step, data, timers). */
export async function updateConversation(db: Db, id: string, patch: Partial<Omit<ServiceConversationsTable, 'id'>>): Promise<void> {
  await db.updateTable('service_conversations').set(patch).where('id', '=', id).execute();
}

/** Ends the waiting conversations of a number with a tenant (an opt-out) or of a service (closed); returns how many. */
export async function endConversationsOf(db: Db, of: { tenantId: string; phone: string } | { serviceId: string }, state: 'interrupted' | 'expired', reason: string, now: string): Promise<number> {
  let q = db.updateTable('service_conversations').set((eb) => ({ state, waiting_key: null, ended_reason: reason, remind_at: null, updated_at: now, revision: eb('revision', '+', 1) }))
    .where('state', '=', 'waiting');
  q = 'serviceId' in of ? q.where('service_id', '=', of.serviceId) : q.where('tenant_id', '=', of.tenantId).where('phone', '=', of.phone);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/** Waiting conversations whose reminder or expiry is due. */
export async function dueConversations(db: Db, now: string, limit: number): Promise<ServiceConversationsTable[]> {
  const expiring = await db.selectFrom('service_conversations').selectAll().where('state', '=', 'waiting').where('expires_at', '<=', now).limit(limit).execute();
  const reminding = await db.selectFrom('service_conversations').selectAll().where('state', '=', 'waiting').where('remind_at', '<=', now).limit(limit).execute();
  const seen = new Set(expiring.map((c) => c.id));
  return [...expiring, ...reminding.filter((c) => !seen.has(c.id))];
}

/** Conversations of a service, newest first. */
export async function listServiceConversations(db: Db, tenantId: string, serviceId: string, opts: { limit: number; state?: string }): Promise<ServiceConversationsTable[]> {
  let q = db.selectFrom('service_conversations').selectAll().where('tenant_id', '=', tenantId).where('service_id', '=', serviceId).orderBy('created_at', 'desc').limit(opts.limit);
  if (opts.state) q = q.where('state', '=', opts.state);
  return q.execute();
}

// ---- responses ---------------------------------------------------------------------------------------

/** Keeps the responses an MO gave (append-only). */
/** What the responses an MO gave share: its service (at a version), conversation, message and sender. */
export interface ResponseBase { tenantId: string; serviceId: string; version: number; conversationId: string | null; inboundId: string; phone: string; receivedAt: string }

/** The rows of an MO's responses, as stored. */
export function responseRows(base: ResponseBase, drafts: ResponseDraft[], now: string): ServiceResponsesTable[] {
  return drafts.map((d) => ({
    id: newId(), tenant_id: base.tenantId, service_id: base.serviceId, service_version: base.version, conversation_id: base.conversationId,
    inbound_id: base.inboundId, phone: base.phone, step: d.step, raw: d.raw.slice(0, 1000), value: d.value === null ? null : d.value.slice(0, 1000),
    category: d.category.slice(0, 100), valid: d.valid ? 1 : 0, score: d.score ?? null, received_at: base.receivedAt, created_at: now,
  }));
}

const responseColumns = [
  'id', 'tenant_id', 'service_id', 'service_version', 'conversation_id', 'inbound_id', 'phone', 'step', 'raw', 'value', 'category', 'valid', 'score',
  'received_at', 'created_at',
] as const satisfies ReadonlyArray<keyof ServiceResponsesTable>;

/** Stores response rows with multi-row inserts (statements prepared once on SQLite). */
export async function insertResponseRows(t: BulkTarget, rows: ServiceResponsesTable[]): Promise<void> {
  await insertRows(t, 'service_responses', responseColumns, rows.map((r) => responseColumns.map((c) => r[c])));
}

/** Maps a response row. */
export function toResponse(r: ServiceResponsesTable): StoredResponse {
  return {
    id: r.id, serviceVersion: r.service_version, conversationId: r.conversation_id, inboundId: r.inbound_id, phone: r.phone, step: r.step,
    raw: r.raw, value: r.value, category: r.category, valid: r.valid === 1, score: r.score, receivedAt: r.received_at,
  };
}

/** Responses of a conversation, or of a number to a service without one, oldest first. */
export async function responsesOf(db: Db, serviceId: string, by: { conversationId: string } | { phone: string }): Promise<StoredResponse[]> {
  let q = db.selectFrom('service_responses').selectAll().where('service_id', '=', serviceId).orderBy('received_at').orderBy('id');
  q = 'conversationId' in by ? q.where('conversation_id', '=', by.conversationId) : q.where('phone', '=', by.phone);
  return (await q.limit(10_000).execute()).map(toResponse);
}

/** Every response of a service in order, page by page (results and exports). */
export async function* eachResponse(db: Db, tenantId: string, serviceId: string, pageSize = 2000): AsyncGenerator<StoredResponse[]> {
  let after = '';
  for (;;) {
    const page = await db.selectFrom('service_responses').selectAll().where('tenant_id', '=', tenantId).where('service_id', '=', serviceId)
      .where('id', '>', after).orderBy('id').limit(pageSize).execute();
    if (!page.length) return;
    yield page.map(toResponse);
    after = page[page.length - 1].id;
    if (page.length < pageSize) return;
  }
}

// ---- re-delivery -------------------------------------------------------------------------------------

/**
 * Claims an MO's (tenant, address, sender, text) key: true when this MO is the first within `windowMs` (or the
 * earlier one is older), false when it is a re-delivery of one taken less than `windowMs` ago.
 */
export async function claimMo(db: Db, key: string, inboundId: string, at: string, windowMs: number): Promise<boolean> {
  const cutoff = new Date(new Date(at).getTime() - windowMs).toISOString();
  const r = await db.insertInto('service_mo_claims').values({ key, inbound_id: inboundId, at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ inbound_id: inboundId, at }).where('service_mo_claims.at', '<', cutoff))
    .returning('inbound_id').executeTakeFirst();
  return r?.inbound_id === inboundId;
}

/** The stored re-delivery claims of these keys, by key (one read for a batch of MO). */
export async function moClaims(t: BulkTarget, keys: string[]): Promise<Map<string, ServiceMoClaimsTable>> {
  const out = new Map<string, ServiceMoClaimsTable>();
  for (const chunk of paddedChunks(keys)) {
    const rows = await runStatement<ServiceMoClaimsTable>(t, `select "key", inbound_id, at from service_mo_claims where "key" in (${placeholderList(chunk.length)})`, chunk);
    for (const r of rows) out.set(r.key, r);
  }
  return out;
}

/** Stores claims already decided (one writer: a batch checked them against `moClaims` and each other), replacing older ones. */
export async function storeMoClaims(t: BulkTarget, claims: ServiceMoClaimsTable[]): Promise<void> {
  const last = [...new Map(claims.map((c) => [c.key, c])).values()];
  await upsertRows(t, 'service_mo_claims', ['key', 'inbound_id', 'at'], last.map((c) => [c.key, c.inbound_id, c.at]), ['key'], ['inbound_id', 'at']);
}

/** Forgets re-delivery claims older than `before`. */
export async function purgeMoClaims(db: Db, before: string): Promise<number> {
  const r = await db.deleteFrom('service_mo_claims').where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---- entries -----------------------------------------------------------------------------------------

/** An entry store's statements, written once with `?` placeholders. */
const entrySql = {
  get: 'select value from service_entries where service_id = ? and kind = ? and key = ?',
  put: `insert into service_entries (service_id, kind, key, tenant_id, value, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)
    on conflict (service_id, kind, key) do update set value = excluded.value, updated_at = excluded.updated_at`,
  claim: `insert into service_entries (service_id, kind, key, tenant_id, value, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)
    on conflict (service_id, kind, key) do nothing`,
  add: `insert into service_entries (service_id, kind, key, tenant_id, value, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)
    on conflict (service_id, kind, key) do update set value = cast(cast(service_entries.value as integer) + cast(excluded.value as integer) as text),
    updated_at = excluded.updated_at returning value`,
};

/** A statement written with `?` placeholders as a query of the handle's own dialect (the values bound as parameters). */
function bound(text: string, params: readonly unknown[]) {
  return sql.join(text.split('?').flatMap((part, i) => (i ? [params[i - 1], sql.raw(part)] : [sql.raw(part)])), sql.raw(''));
}

/**
 * The entries of a service. With `hot` (the MO's transaction, as a bulk target) the statements an MO runs (get, put,
 * claim, add) are prepared once on SQLite instead of built per call; use it only inside a transaction on that handle.
 */
export function entryStore(db: Db, tenantId: string, serviceId: string, now: () => string, hot?: BulkTarget): EntryStore {
  const base = () => db.selectFrom('service_entries').where('service_id', '=', serviceId);
  const rows = async <R>(text: string, params: unknown[]): Promise<R[]> => (hot ? runStatement<R>(hot, text, params) : (await bound(text, params).execute(db)).rows as R[]);
  const changes = async (text: string, params: unknown[]): Promise<number> => (hot ? runWrite(hot, text, params) : Number((await bound(text, params).execute(db)).numAffectedRows ?? 0));
  const row = (kind: string, key: string, value: string) => { const at = now(); return [serviceId, kind, key, tenantId, value, at, at]; };
  return {
    async get<T>(kind: string, key: string) {
      const [r] = await rows<{ value: string }>(entrySql.get, [serviceId, kind, key]);
      return r ? parse(r.value, null) as T : undefined;
    },
    async put(kind, key, value) {
      await changes(entrySql.put, row(kind, key, JSON.stringify(value)));
    },
    async claim(kind, key, value) {
      return await changes(entrySql.claim, row(kind, key, JSON.stringify(value))) === 1;
    },
    async remove(kind, key) {
      const r = await db.deleteFrom('service_entries').where('service_id', '=', serviceId).where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async list<T>(kind: string, limit = 100_000) {
      const rows = await base().select(['key', 'value', 'updated_at']).where('kind', '=', kind).orderBy('key').limit(limit).execute();
      return rows.map((r) => ({ key: r.key, value: parse(r.value, null) as T, updatedAt: r.updated_at }));
    },
    async count(kind) {
      const r = await base().select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async add(kind, key, by) {
      const [r] = await rows<{ value: string }>(entrySql.add, row(kind, key, String(by)));
      return Number(r?.value ?? by);
    },
  };
}

/** Replaces every entry of a kind (an uploaded inquiry table) in one transaction's statements. */
export async function replaceEntries(trx: Db, tenantId: string, serviceId: string, kind: string, rows: Array<{ key: string; value: unknown }>, now: string): Promise<void> {
  await trx.deleteFrom('service_entries').where('service_id', '=', serviceId).where('kind', '=', kind).execute();
  for (let i = 0; i < rows.length; i += 500) {
    await trx.insertInto('service_entries').values(rows.slice(i, i + 500).map((r) => ({
      service_id: serviceId, kind, key: r.key, tenant_id: tenantId, value: JSON.stringify(r.value), created_at: now, updated_at: now,
    }))).execute();
  }
}

// ---- lists as audiences ------------------------------------------------------------------------------

/** The expiry of a member entry (`expiresAt` of its JSON value; null = until left). */
function memberExpiry(dialect: 'sqlite' | 'postgres') {
  return dialect === 'sqlite' ? sql<string | null>`json_extract(service_entries.value, '$.expiresAt')` : sql<string | null>`(service_entries.value::json ->> 'expiresAt')`;
}

/** Contacts that are active members (joined, not left, not expired at `now`) of any of the lists. */
export function subscriberFilter(dialect: 'sqlite' | 'postgres', tenantId: string, serviceIds: string[], now: string): ContactFilter {
  return (eb) => eb.exists(eb.selectFrom('service_entries').select('service_entries.key')
    .where('service_entries.tenant_id', '=', tenantId).where('service_entries.service_id', 'in', serviceIds).where('service_entries.kind', '=', 'member')
    .whereRef('service_entries.key', '=', 'contacts.phone')
    .where((w) => w.or([w(memberExpiry(dialect), 'is', null), w(memberExpiry(dialect), '>', now)])));
}

/** Numbers of active members of the lists that are not yet contacts of the tenant. */
export async function membersWithoutContact(db: Db, dialect: 'sqlite' | 'postgres', tenantId: string, serviceIds: string[], now: string): Promise<string[]> {
  const rows = await db.selectFrom('service_entries').select('key').distinct()
    .where('tenant_id', '=', tenantId).where('service_id', 'in', serviceIds).where('kind', '=', 'member')
    .where((w) => w.or([w(memberExpiry(dialect), 'is', null), w(memberExpiry(dialect), '>', now)]))
    .where((w) => w.not(w.exists(w.selectFrom('contacts').select('contacts.id').where('contacts.tenant_id', '=', tenantId).whereRef('contacts.phone', '=', 'service_entries.key'))))
    .execute();
  return rows.map((r) => r.key);
}
