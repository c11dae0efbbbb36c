import { sql } from 'kysely';
import type { AutomationOccurrencesTable, AutomationsTable, Db } from '../database.ts';
import type { DialectName, Store } from '../dialect.ts';
import { chunks, insertRows, runWrite, statementText, type BulkTarget } from '../bulk.ts';
import type { ContactFilter } from './contacts.ts';
import { customFieldText } from './segments.ts';
import type { DatedContact } from '../../automations/planner.ts';
import { newId } from '../../domain/ids.ts';
import type { AutomationInput, AutomationStatus } from '../../automations/rules.ts';

/** An automation as the rest of the code sees it: its definition and the report of its last materialising run. */
export interface Automation extends AutomationInput {
  id: string; tenantId: string; status: AutomationStatus; lastRun: Record<string, unknown> | null; activatedAt: string | null; createdAt: string; updatedAt: string;
}

function toAutomation(r: AutomationsTable): Automation {
  const d = JSON.parse(r.definition) as AutomationInput;
  return {
    ...d, id: r.id, tenantId: r.tenant_id, name: r.name, category: r.category as AutomationInput['category'], status: r.status as AutomationStatus,
    lastRun: r.last_run ? JSON.parse(r.last_run) as Record<string, unknown> : null, activatedAt: r.activated_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

const definitionOf = (input: AutomationInput) => JSON.stringify({ ...input, name: undefined, category: undefined });

/** Creates a draft automation. */
export async function createAutomation(db: Db, tenantId: string, input: AutomationInput, now: string): Promise<Automation> {
  const row: AutomationsTable = {
    id: newId(), tenant_id: tenantId, name: input.name, status: 'draft', category: input.category, trigger_type: input.trigger.type,
    definition: definitionOf(input), last_run: null, activated_at: null, lease_until: null, created_at: now, updated_at: now,
  };
  await db.insertInto('automations').values(row).execute();
  return toAutomation(row);
}

/** One automation of a tenant. */
export async function getAutomation(db: Db, tenantId: string, id: string): Promise<Automation | undefined> {
  const r = await db.selectFrom('automations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toAutomation(r);
}

/** The tenant's automations, newest first. */
export async function listAutomations(db: Db, tenantId: string): Promise<Automation[]> {
  return (await db.selectFrom('automations').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map(toAutomation);
}

/** Replaces an automation's definition. */
export async function updateAutomation(db: Db, tenantId: string, id: string, input: AutomationInput, now: string): Promise<boolean> {
  const r = await db.updateTable('automations').set({ name: input.name, category: input.category, trigger_type: input.trigger.type, definition: definitionOf(input), updated_at: now })
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Moves an automation to a state; turning it on the first time records when (welcome triggers count from then). */
export async function setAutomationStatus(db: Db, tenantId: string, id: string, status: AutomationStatus, now: string): Promise<boolean> {
  const r = await db.updateTable('automations')
    .set((eb) => ({ status, updated_at: now, activated_at: status === 'on' ? eb.fn.coalesce('activated_at', sql<string>`${now}`) : eb.ref('activated_at') }))
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes an automation with its occurrences. */
export async function deleteAutomation(db: Db, tenantId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('automation_occurrences').where('tenant_id', '=', tenantId).where('automation_id', '=', id).execute();
    const r = await trx.deleteFrom('automations').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  });
}

/** The automations that are on, of active tenants, with one of these trigger types (every tenant's, for the worker). */
export async function automationsOn(db: Db, types: string[]): Promise<Automation[]> {
  const rows = await db.selectFrom('automations').selectAll().where('status', '=', 'on').where('trigger_type', 'in', types)
    .where('tenant_id', 'not in', (eb) => eb.selectFrom('tenants').select('id').where('status', '<>', 'active')).orderBy('id').execute();
  return rows.map(toAutomation);
}

/** A tenant's automations that are on with an event trigger (callers filter on the event type). */
export async function eventAutomations(db: Db, tenantId: string): Promise<Automation[]> {
  return (await db.selectFrom('automations').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'on').where('trigger_type', '=', 'event').execute()).map(toAutomation);
}

/** Keeps the report of an automation's last materialising run. */
export async function saveLastRun(db: Db, id: string, report: Record<string, unknown>): Promise<void> {
  await db.updateTable('automations').set({ last_run: JSON.stringify(report) }).where('id', '=', id).execute();
}

// ---- occurrences ------------------------------------------------------------------------------------------

/** Occurrence states: pending (materialised, due later) → sent | excluded | cancelled | skipped | missed. */
export type OccurrenceStatus = 'pending' | 'sent' | 'excluded' | 'cancelled' | 'skipped' | 'missed';

/** An occurrence as the API shows it. */
export interface Occurrence {
  id: string; automationId: string; contactId: string; phone: string | null; name: string | null; key: string; step: number; dueAt: string; localDate: string | null; zone: string;
  status: string; reason: string | null; messageId: string | null; messageStatus: string | null; vars: Record<string, unknown> | null; createdAt: string;
}

/** A new occurrence (status pending unless given). */
export type NewOccurrence = Omit<AutomationOccurrencesTable, 'lease_owner' | 'lease_until' | 'message_id'>;

const occurrenceColumns = [
  'id', 'tenant_id', 'automation_id', 'contact_id', 'key', 'step', 'due_at', 'local_date', 'zone', 'source', 'vars', 'event_id', 'suppress_value',
  'status', 'reason', 'created_at', 'updated_at',
] as const satisfies readonly (keyof NewOccurrence)[];

/**
 * Inserts occurrences, skipping any whose (automation, contact, key, step) exists: the at-most-once rule. Returns how
 * many were new. Multi-row statements prepared once (no query tree per row), in `trx` or a transaction of their own.
 */
export async function insertOccurrences(store: Pick<Store, 'db' | 'dialect' | 'sqlite'>, rows: NewOccurrence[], trx?: Db): Promise<number> {
  if (!rows.length) return 0;
  const values = rows.map((r) => occurrenceColumns.map((c) => r[c]));
  const write = async (db: Db) => (await insertRows<{ id: string }>({ db, dialect: store.dialect, sqlite: store.sqlite }, 'automation_occurrences', occurrenceColumns, values, ['automation_id', 'contact_id', 'key', 'step'], ['id'])).length;
  return trx ? write(trx) : store.db.transaction().execute(write);
}

/**
 * A page of the tenant's contacts in id order after `after` with only what a yearly run reads: the zone and, when
 * given, the values of the date field and the calendar field (taken out of the fields in SQL, not parsed here).
 */
export async function datedContactPage(db: Db, dialect: DialectName, tenantId: string, filter: ContactFilter, fields: { value?: string; calendar?: string }, after: string | null, limit: number): Promise<DatedContact[]> {
  const none = sql<null>`null`;
  return db.selectFrom('contacts')
    .select(['id', 'timezone', (fields.value ? customFieldText(dialect, fields.value) : none).as('value'), (fields.calendar ? customFieldText(dialect, fields.calendar) : none).as('calendar')])
    .where('tenant_id', '=', tenantId).$if(after !== null, (q) => q.where('id', '>', after!)).where(filter).orderBy('id').limit(limit).execute();
}

/** The existing occurrences of an automation for the contacts with ids in [first, last] and these keys (one range read of its unique index). */
export async function occurrencesBetween(db: Db, automationId: string, first: string, last: string, keys: string[]): Promise<Pick<AutomationOccurrencesTable, 'id' | 'contact_id' | 'key' | 'step' | 'status' | 'source' | 'due_at'>[]> {
  return db.selectFrom('automation_occurrences').select(['id', 'contact_id', 'key', 'step', 'status', 'source', 'due_at'])
    .where('automation_id', '=', automationId).where('contact_id', '>=', first).where('contact_id', '<=', last).where('key', 'in', keys).execute();
}

/** Moves a pending occurrence to another date (the contact's date field changed before it was sent). */
export async function moveOccurrence(db: Db, id: string, to: { dueAt: string; localDate: string; source: string; zone: string }, now: string): Promise<boolean> {
  const r = await db.updateTable('automation_occurrences').set({ due_at: to.dueAt, local_date: to.localDate, source: to.source, zone: to.zone, updated_at: now })
    .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A claimed occurrence with what sending it needs. */
export type ClaimedOccurrence = Pick<AutomationOccurrencesTable, 'id' | 'tenant_id' | 'automation_id' | 'contact_id' | 'key' | 'step' | 'due_at' | 'zone' | 'source' | 'vars'>;

/**
 * Leases up to `limit` due pending occurrences of automations that are on to `owner` until `until` (another worker takes them once the lease runs
 * out); each row goes to one claimer, on PostgreSQL too (the conditional update re-checks the lease under the row lock).
 */
export async function claimDueOccurrences(db: Db, owner: string, now: string, until: string, limit: number): Promise<ClaimedOccurrence[]> {
  const free = (eb: any) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]);
  const candidates = await db.selectFrom('automation_occurrences').select('id').where('status', '=', 'pending').where('due_at', '<=', now).where(free)
    .where('automation_id', 'in', (eb) => eb.selectFrom('automations').select('id').where('status', '=', 'on'))
    .orderBy('due_at').limit(limit).execute();
  if (!candidates.length) return [];
  await db.updateTable('automation_occurrences').set({ lease_owner: owner, lease_until: until })
    .where('id', 'in', candidates.map((c) => c.id)).where('status', '=', 'pending').where(free).execute();
  return db.selectFrom('automation_occurrences').select(['id', 'tenant_id', 'automation_id', 'contact_id', 'key', 'step', 'due_at', 'zone', 'source', 'vars'])
    .where('id', 'in', candidates.map((c) => c.id)).where('lease_owner', '=', owner).where('lease_until', '=', until).where('status', '=', 'pending').execute();
}

/** What became of one claimed occurrence. */
export interface OccurrenceEnd { id: string; status: OccurrenceStatus; reason: string | null; messageId: string | null }

/**
 * Records what became of claimed occurrences, each only while `owner` still holds it; answers how many changed (fewer
 * than given: some lease was lost). Multi-row: one `update … from (values …)` per chunk, the same text on both dialects,
 * in `trx` or a transaction of its own (on SQLite the statements prepared once run on the connection the transaction holds).
 */
export async function finishOccurrences(store: Pick<Store, 'db' | 'dialect' | 'sqlite'>, owner: string, ends: OccurrenceEnd[], now: string, trx?: Db): Promise<number> {
  if (!ends.length) return 0;
  return trx ? finishIn({ db: trx, dialect: store.dialect, sqlite: store.sqlite }, owner, ends, now)
    : store.db.transaction().execute((db) => finishIn({ db, dialect: store.dialect, sqlite: store.sqlite }, owner, ends, now));
}

async function finishIn(t: BulkTarget, owner: string, ends: OccurrenceEnd[], now: string): Promise<number> {
  let changed = 0;
  for (const [at, size] of chunks(ends.length, 256)) {
    const text = statementText(`finish-occurrences|${size}`, () => `with v(id, status, reason, message_id) as (values ${new Array(size).fill('(?, ?, ?, ?)').join(', ')}) `
      + 'update automation_occurrences set status = v.status, reason = v.reason, message_id = v.message_id, lease_owner = null, lease_until = null, updated_at = ? '
      + "from v where automation_occurrences.id = v.id and automation_occurrences.status = 'pending' and automation_occurrences.lease_owner = ?");
    const params: unknown[] = [];
    for (let i = at; i < at + size; i++) params.push(ends[i].id, ends[i].status, ends[i].reason, ends[i].messageId);
    params.push(now, owner);
    changed += await runWrite(t, text, params);
  }
  return changed;
}

/** Gives claimed occurrences back (not sent now: e.g. the automation was paused meanwhile). */
export async function releaseOccurrences(db: Db, ids: string[], owner: string): Promise<void> {
  if (ids.length) await db.updateTable('automation_occurrences').set({ lease_owner: null, lease_until: null }).where('id', 'in', ids).where('lease_owner', '=', owner).execute();
}

/** Marks pending occurrences past `before` as missed (the worker was down longer than the grace). */
export async function missOverdue(db: Db, before: string, now: string): Promise<number> {
  const r = await db.updateTable('automation_occurrences').set({ status: 'missed', reason: 'not sent within the grace period after its time', updated_at: now })
    .where('status', '=', 'pending').where('due_at', '<', before).where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)])).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The state of one occurrence of an automation of the tenant. */
export async function occurrenceState(db: Db, tenantId: string, automationId: string, id: string): Promise<{ id: string; status: string } | undefined> {
  return db.selectFrom('automation_occurrences').select(['id', 'status']).where('tenant_id', '=', tenantId).where('automation_id', '=', automationId).where('id', '=', id).executeTakeFirst();
}

/** Cancels one pending occurrence of the tenant. */
export async function cancelOccurrence(db: Db, tenantId: string, id: string, reason: string, now: string): Promise<boolean> {
  const r = await db.updateTable('automation_occurrences').set({ status: 'cancelled', reason, updated_at: now })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Cancels every pending occurrence of these automations for a contact (a later event such as renewed); returns how many. */
export async function cancelPendingFor(db: Db, tenantId: string, automationIds: string[], contactId: string, reason: string, now: string): Promise<number> {
  if (!automationIds.length) return 0;
  const r = await db.updateTable('automation_occurrences').set({ status: 'cancelled', reason, updated_at: now })
    .where('tenant_id', '=', tenantId).where('automation_id', 'in', automationIds).where('contact_id', '=', contactId).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Whether a contact had an occurrence of the automation with this suppression value since `since` (not cancelled or skipped). */
export async function suppressedSince(db: Db, automationId: string, contactId: string, value: string, since: string): Promise<boolean> {
  return !!await db.selectFrom('automation_occurrences').select('id').where('automation_id', '=', automationId).where('contact_id', '=', contactId)
    .where('suppress_value', '=', value).where('created_at', '>=', since).where('status', 'not in', ['cancelled', 'skipped']).limit(1).executeTakeFirst();
}

/** A page of an automation's occurrences in due order, with the contact's number and the message's state. */
export async function listOccurrences(db: Db, tenantId: string, automationId: string, opts: { status?: string; from?: string; to?: string; limit: number; offset: number }): Promise<Occurrence[]> {
  const rows = await db.selectFrom('automation_occurrences as o')
    .leftJoin('contacts as c', 'c.id', 'o.contact_id').leftJoin('messages as m', 'm.id', 'o.message_id')
    .select(['o.id', 'o.automation_id', 'o.contact_id', 'c.phone', 'c.name', 'o.key', 'o.step', 'o.due_at', 'o.local_date', 'o.zone', 'o.status', 'o.reason', 'o.message_id', 'm.status as message_status', 'o.vars', 'o.created_at'])
    .where('o.tenant_id', '=', tenantId).where('o.automation_id', '=', automationId)
    .$if(!!opts.status, (q) => q.where('o.status', '=', opts.status!))
    .$if(!!opts.from, (q) => q.where('o.due_at', '>=', opts.from!))
    .$if(!!opts.to, (q) => q.where('o.due_at', '<', opts.to!))
    .orderBy('o.due_at').orderBy('o.id').limit(opts.limit).offset(opts.offset).execute();
  return rows.map((r) => ({
    id: r.id, automationId: r.automation_id, contactId: r.contact_id, phone: r.phone, name: r.name, key: r.key, step: r.step, dueAt: r.due_at, localDate: r.local_date,
    zone: r.zone, status: r.status, reason: r.reason, messageId: r.message_id, messageStatus: r.message_status, vars: r.vars ? JSON.parse(r.vars) as Record<string, unknown> : null, createdAt: r.created_at,
  }));
}

/** An automation's statistics: occurrences by state, and its messages like a campaign's (sent, delivered, failed, replied, opted out). */
export interface AutomationStats { occurrences: Record<string, number>; messages: Record<string, number>; replied: number; optedOut: number }

/** Counts occurrences by state, their messages by state, and the replies and opt-outs attributed to them. */
export async function automationStats(db: Db, tenantId: string, automationId: string): Promise<AutomationStats> {
  const mine = db.selectFrom('automation_occurrences').select('id').where('tenant_id', '=', tenantId).where('automation_id', '=', automationId);
  const [occ, msg, inbound] = await Promise.all([
    db.selectFrom('automation_occurrences').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', tenantId).where('automation_id', '=', automationId).groupBy('status').execute(),
    db.selectFrom('messages').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', tenantId).where('campaign_id', 'in', mine).groupBy('status').execute(),
    db.selectFrom('inbound_messages').select(['action', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', tenantId).where('campaign_id', 'in', mine).groupBy('action').execute(),
  ]);
  const count = (rows: { n: number }[]) => rows.reduce((s, r) => s + Number(r.n), 0);
  return {
    occurrences: Object.fromEntries(occ.map((r) => [r.status, Number(r.n)])),
    messages: Object.fromEntries(msg.map((r) => [r.status, Number(r.n)])),
    replied: count(inbound), optedOut: count(inbound.filter((r) => r.action === 'opt_out')),
  };
}
