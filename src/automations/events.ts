// Events posted by enterprise systems → occurrences of the event automations of their type: idempotent per key,
// dropped past a time-to-live, suppressed within a window per data value, steps counted from an anchor date, pending
// steps cancelled by a later event type, times in the recipient's zone (a roaming customer's from the event's country).
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { normalizePhone, type CountryCode } from '../domain/phone.ts';
import { tenantZone } from '../domain/tenants.ts';
import type { AutomationEventsTable, Db } from '../store/database.ts';
import { contactsByExternalId, contactsByPhone } from '../store/repos/recipients.ts';
import { createContact } from '../store/repos/contacts.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { insertEvents, setEventStatus } from '../store/repos/events.ts';
import { cancelPendingFor, eventAutomations, insertOccurrences, suppressedSince, type Automation, type NewOccurrence } from '../store/repos/automations.ts';
import { ymdText } from './calendar/lunar.ts';
import { dueAt, localDate, parseDateValue } from './rules.ts';
import { eventZone } from './zones.ts';
import { graceMs } from './materialize.ts';

/** The most events one request may carry. */
export const maxEventsPerRequest = 10_000;

/** One event as posted. */
export const eventInputSchema = z.object({
  type: z.string().min(1).max(64),
  contact: z.object({ phone: z.string().min(1).max(64).optional(), externalId: z.string().min(1).max(128).optional() }).strict()
    .refine((c) => !!c.phone || !!c.externalId, 'give contact.phone or contact.externalId'),
  occurredAt: z.string().datetime({ offset: true }).optional().describe('when it happened (default: when it arrives); the time-to-live counts from it'),
  idempotencyKey: z.string().min(1).max(200).describe('the same key twice is one event (one message)'),
  data: z.record(z.string(), z.unknown()).default({}).describe('template variables as {{event.<name>}}'),
}).strict();
/** A validated event. */
export type EventInput = z.output<typeof eventInputSchema>;

/** What became of one event. */
export interface EventResult { idempotencyKey: string; id: string | null; status: string; detail: string | null; occurrences: number }
/** What became of a request's events: per status counts, and each event's result in order. */
export interface EventReport { received: number; counts: Record<string, number>; occurrences: number; cancelled: number; results: EventResult[] }

const text = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** The anchor instant or date of an event's steps: a date in the anchor field, else when it occurred. */
function anchorOf(a: Automation, e: EventInput, occurredAt: Date): { date: ReturnType<typeof localDate> | null; instant: Date | null } | null {
  const t = a.trigger;
  if (t.type !== 'event' || !t.anchor) return { date: null, instant: occurredAt };
  const raw = Object.hasOwn(e.data, t.anchor) ? e.data[t.anchor] : undefined;
  const v = parseDateValue(raw);
  if (!v || v.year === null || v.leap) return null;
  return { date: { year: v.year, month: v.month, day: v.day }, instant: null };
}

/**
 * Stores a request's events (each idempotency key once per tenant) and turns the new ones into occurrences of the
 * tenant's event automations. Duplicates are answered `duplicate` and change nothing.
 */
export async function ingestEvents(deps: Deps, tenantId: string, events: EventInput[]): Promise<EventReport> {
  if (events.length > maxEventsPerRequest) throw new DomainError('payload_too_large', `at most ${maxEventsPerRequest} events per request`, { max: maxEventsPerRequest });
  // one transaction: an event is stored together with its occurrences (a retry after a failure is not a duplicate)
  return deps.store.db.transaction().execute((trx) => ingest(deps, trx, tenantId, events));
}

async function ingest(deps: Deps, db: Db, tenantId: string, events: EventInput[]): Promise<EventReport> {
  const tenant = await findTenant(db, tenantId);
  if (!tenant) throw new DomainError('not_found', 'tenant not found');
  const now = deps.now();
  const nowIso = now.toISOString();
  const country = (tenant.settings.defaultCountry as CountryCode | undefined) ?? 'CN';
  const phones = events.map((e) => (e.contact.phone ? normalizePhone(e.contact.phone, country) : null));
  const byPhone = await contactsByPhone(db, tenantId, [...new Set(phones.flatMap((p) => (p?.ok ? [p.e164] : [])))]);
  const byExternal = await contactsByExternalId(db, deps.store.dialect, tenantId, [...new Set(events.flatMap((e) => (e.contact.externalId ? [e.contact.externalId] : [])))]);
  const automations = await eventAutomations(db, tenantId);
  const results: EventResult[] = [];
  const rows: AutomationEventsTable[] = [];
  const firstOfKey = new Set<string>();
  events.forEach((e, i) => {
    const p = phones[i];
    const contact = (e.contact.externalId ? byExternal.get(e.contact.externalId) : undefined) ?? (p?.ok ? byPhone.get(p.e164) : undefined);
    const id = newId();
    const dup = firstOfKey.has(e.idempotencyKey);
    firstOfKey.add(e.idempotencyKey);
    results.push({ idempotencyKey: e.idempotencyKey, id: dup ? null : id, status: 'duplicate', detail: null, occurrences: 0 });
    if (dup) return;
    rows.push({
      id, tenant_id: tenantId, type: e.type, idempotency_key: e.idempotencyKey, contact_id: contact?.id ?? null, phone: p?.ok ? p.e164 : e.contact.phone ?? null,
      external_id: e.contact.externalId ?? null, occurred_at: e.occurredAt ? new Date(e.occurredAt).toISOString() : nowIso, data: JSON.stringify(e.data), status: 'received', detail: null, received_at: nowIso,
    });
  });
  const stored = await insertEvents(deps.store, db, rows);
  const occurrences: NewOccurrence[] = [];
  const statusOf = new Map<string, string[]>();
  const suppressedNow = new Set<string>();
  let cancelled = 0;
  const rowById = new Map(rows.map((r) => [r.id, r]));
  for (let i = 0; i < events.length; i++) {
    const res = results[i];
    if (!res.id || !stored.has(res.id)) { res.id = null; continue; }
    const e = events[i];
    const r = rowById.get(res.id)!;
    const matching = automations.filter((a) => a.trigger.type === 'event' && a.trigger.eventType === e.type);
    const cancelling = automations.filter((a) => a.trigger.type === 'event' && a.trigger.cancelOn.includes(e.type));
    let contactId = r.contact_id;
    let zone: string | null = null;
    if (!contactId && matching.some((a) => a.trigger.type === 'event' && a.trigger.createContact) && phones[i]?.ok) {
      const created = await createContact(db, tenantId, { phone: (phones[i] as { e164: string }).e164, fields: e.contact.externalId ? { externalId: e.contact.externalId } : {}, source: 'event' }, nowIso);
      contactId = created.id;
      zone = created.timezone;
      r.contact_id = contactId;
      byPhone.set(created.phone, { id: created.id, phone: created.phone, name: null, language: null, timezone: created.timezone, fields: created.fields, optedOutAt: null, carrier: created.carrier, province: created.province, city: created.city, country: created.country });
      await db.updateTable('automation_events').set({ contact_id: contactId }).where('id', '=', r.id).execute();
    }
    const set = (status: string, detail: string | null = null) => {
      res.status = status; res.detail = detail;
      statusOf.set(`${status}\u0000${detail ?? ''}`, [...(statusOf.get(`${status}\u0000${detail ?? ''}`) ?? []), r.id]);
    };
    if (!contactId) { set('unknown_contact', phones[i] && !phones[i]!.ok ? 'the phone number is not valid' : 'no contact with this phone or externalId'); continue; }
    zone ??= (e.contact.externalId ? byExternal.get(e.contact.externalId) : undefined)?.timezone ?? (phones[i]?.ok ? byPhone.get((phones[i] as { e164: string }).e164)?.timezone : null) ?? null;
    if (cancelling.length) cancelled += await cancelPendingFor(db, tenantId, cancelling.map((a) => a.id), contactId, `cancelled by a ${e.type} event`, nowIso);
    if (!matching.length) { set(cancelling.length ? 'applied' : 'no_automation'); continue; }
    const occurredAt = new Date(r.occurred_at);
    const outcomes: string[] = [];
    for (const a of matching) {
      const t = a.trigger as Extract<Automation['trigger'], { type: 'event' }>;
      if (t.ttlHours !== undefined && now.getTime() - occurredAt.getTime() > t.ttlHours * 3600_000) { outcomes.push('expired'); continue; }
      const value = t.suppress ? text(Object.hasOwn(e.data, t.suppress.key) ? e.data[t.suppress.key] : undefined) ?? '' : null;
      if (t.suppress && value !== null) {
        const mark = `${a.id}|${contactId}|${value}`;
        if (suppressedNow.has(mark) || await suppressedSince(db, a.id, contactId, value, new Date(now.getTime() - t.suppress.days * 86_400_000).toISOString())) { outcomes.push('suppressed'); continue; }
        suppressedNow.add(mark);
      }
      const anchor = anchorOf(a, e, occurredAt);
      if (!anchor) { outcomes.push('invalid_anchor'); continue; }
      const z2 = eventZone(e.data, zone ?? a.timezone ?? tenantZone(tenant.settings));
      let added = 0;
      a.steps.forEach((step, s) => {
        const due = dueAt(step, anchor.date, anchor.instant, z2);
        const late = due.getTime() < now.getTime() - graceMs;
        added += late ? 0 : 1;
        occurrences.push({
          id: newId(), tenant_id: tenantId, automation_id: a.id, contact_id: contactId, key: `event:${e.idempotencyKey}`, step: s, due_at: due.toISOString(),
          local_date: ymdText(localDate(due, z2)), zone: z2, source: null, vars: JSON.stringify({ event: e.data, eventType: e.type }), event_id: r.id, suppress_value: value,
          status: late ? 'skipped' : 'pending', reason: late ? 'its time had already passed when the event arrived' : null, created_at: nowIso, updated_at: nowIso,
        });
      });
      res.occurrences += added;
      outcomes.push('accepted');
    }
    set(outcomes.includes('accepted') ? 'accepted' : outcomes[0], outcomes.includes('invalid_anchor') && !outcomes.includes('accepted') ? `the anchor field is not a date YYYY-MM-DD` : null);
  }
  const added = await insertOccurrences(deps.store, occurrences, db);
  for (const [k, ids] of statusOf) {
    const [status, detail] = k.split('\u0000');
    await setEventStatus(db, tenantId, ids, status, detail || null);
  }
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  deps.log.info({ tenant: tenantId, counts, occurrences: added }, 'events received');
  return { received: events.length, counts, occurrences: added, cancelled, results };
}
