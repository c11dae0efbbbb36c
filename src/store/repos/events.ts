import type { AutomationEventsTable, Db } from '../database.ts';
import type { Store } from '../dialect.ts';
import { insertRows, placeholderList, runStatement, type BulkTarget } from '../bulk.ts';
import { olderThan } from '../keyset.ts';

/** An event as the API shows it. */
export interface StoredEvent {
  id: string; type: string; idempotencyKey: string; contactId: string | null; phone: string | null; externalId: string | null;
  occurredAt: string; data: Record<string, unknown>; status: string; detail: string | null; receivedAt: string;
}

const toEvent = (r: AutomationEventsTable): StoredEvent => ({
  id: r.id, type: r.type, idempotencyKey: r.idempotency_key, contactId: r.contact_id, phone: r.phone, externalId: r.external_id,
  occurredAt: r.occurred_at, data: JSON.parse(r.data) as Record<string, unknown>, status: r.status, detail: r.detail, receivedAt: r.received_at,
});

const eventColumns = ['id', 'tenant_id', 'type', 'idempotency_key', 'contact_id', 'phone', 'external_id', 'occurred_at', 'data', 'status', 'detail', 'received_at'] as const satisfies readonly (keyof AutomationEventsTable)[];

/** Stores events (with their final status) in `trx`, skipping those whose idempotency key the tenant already sent; returns the ids stored now (multi-row statements prepared once). */
export async function insertEvents(store: Pick<Store, 'dialect' | 'sqlite'>, trx: Db, rows: AutomationEventsTable[]): Promise<Set<string>> {
  const stored = await insertRows<{ id: string }>({ db: trx, dialect: store.dialect, sqlite: store.sqlite }, 'automation_events', eventColumns, rows.map((r) => eventColumns.map((c) => r[c])), ['tenant_id', 'idempotency_key'], ['id']);
  return new Set(stored.map((r) => r.id));
}

/** Which of these idempotency keys the tenant already sent (one read of the unique index per 500 keys). */
export async function existingEventKeys(t: BulkTarget, tenantId: string, keys: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let at = 0; at < keys.length; at += 500) {
    const list = keys.slice(at, at + 500);
    const rows = await runStatement<{ idempotency_key: string }>(t, `select idempotency_key from automation_events where tenant_id = ? and idempotency_key in (${placeholderList(list.length)})`, [tenantId, ...list]);
    for (const r of rows) out.add(r.idempotency_key);
  }
  return out;
}

/** The tenant's events, newest first, optionally by status or type. */
export async function listEvents(db: Db, tenantId: string, opts: { status?: string; type?: string; limit: number; before?: string }): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('automation_events').selectAll().where('tenant_id', '=', tenantId)
    .$if(!!opts.status, (q) => q.where('status', '=', opts.status!))
    .$if(!!opts.type, (q) => q.where('type', '=', opts.type!))
    .$if(!!opts.before, (q) => q.where(olderThan('received_at', 'id', opts.before!)))
    .orderBy('received_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map(toEvent);
}

/** How many of the tenant's events (since `since`) ended in each status, by type. */
export async function eventCounts(db: Db, tenantId: string, since: string): Promise<{ type: string; status: string; n: number }[]> {
  const rows = await db.selectFrom('automation_events').select(['type', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId).where('received_at', '>=', since).groupBy(['type', 'status']).orderBy('type').execute();
  return rows.map((r) => ({ type: r.type, status: r.status, n: Number(r.n) }));
}
