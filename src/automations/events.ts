// Events posted by enterprise systems → occurrences of the event automations of their type: idempotent per key,
// dropped past a time-to-live, suppressed within a window per data value, steps counted from an anchor date, pending
// steps cancelled by a later event type, times in the recipient's zone (a roaming customer's from the event's country).
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { appendTo } from '../domain/lists.ts';
import { emptyRecord } from '../domain/records.ts';
import { normalizePhone, type CountryCode } from '../domain/phone.ts';
import { tenantZone } from '../domain/tenants.ts';
import type { AutomationEventsTable, Db } from '../store/database.ts';
import { bulkOn, type BulkTarget } from '../store/bulk.ts';
import { contactsByExternalId, contactZonesByPhone, type ContactZone } from '../store/repos/recipients.ts';
import { createContact } from '../store/repos/contacts.ts';
import { findTenant, type Tenant } from '../store/repos/tenants.ts';
import { existingEventKeys, insertEvents } from '../store/repos/events.ts';
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

/** How many events are looked up, planned and written at a time: what a request holds beyond its body and results stays this small. */
const chunkSize = 1000;

/**
 * Stores a request's events (each idempotency key once per tenant) and turns the new ones into occurrences of the
 * tenant's event automations. Duplicates are answered `duplicate` and change nothing. The events are taken in chunks
 * of a thousand inside one transaction: an event is stored together with its occurrences (a retry after a failure is
 * not a duplicate).
 */
export async function ingestEvents(deps: Deps, tenantId: string, events: EventInput[]): Promise<EventReport> {
  if (events.length > maxEventsPerRequest) throw new DomainError('payload_too_large', `at most ${maxEventsPerRequest} events per request`, { max: maxEventsPerRequest });
  const report = await deps.store.db.transaction().execute(async (trx) => {
    const tenant = await findTenant(trx, tenantId);
    if (!tenant) throw new DomainError('not_found', 'tenant not found');
    const ingest = new Ingest(deps, trx, tenant, await eventAutomations(trx, tenantId));
    for (let at = 0; at < events.length; at += chunkSize) await ingest.chunk(events.slice(at, at + chunkSize));
    return ingest.report;
  });
  for (const r of report.results) report.counts[r.status] = (report.counts[r.status] ?? 0) + 1;
  deps.log.info({ tenant: tenantId, counts: report.counts, occurrences: report.occurrences }, 'events received');
  return report;
}

/** One request's events on their way in: the tenant's event automations by type, and what the earlier chunks did. */
class Ingest {
  readonly report: EventReport = { received: 0, counts: emptyRecord<number>(), occurrences: 0, cancelled: 0, results: [] };
  private readonly target: BulkTarget;
  private readonly now: Date;
  private readonly nowIso: string;
  private readonly country: CountryCode;
  private readonly defaultZone: string;
  /** Idempotency keys met in this request (a repeat is a duplicate without asking the database). */
  private readonly seen = new Set<string>();
  /** (automation, contact, value) that fired in this request: suppresses the next within its window. */
  private readonly suppressedNow = new Set<string>();
  private readonly matching = new Map<string, Automation[]>();
  private readonly cancelling = new Map<string, Automation[]>();

  constructor(private readonly deps: Deps, private readonly db: Db, private readonly tenant: Tenant, automations: Automation[]) {
    this.target = bulkOn(deps.store, db);
    this.now = deps.now();
    this.nowIso = this.now.toISOString();
    this.country = (tenant.settings.defaultCountry as CountryCode | undefined) ?? 'CN';
    this.defaultZone = tenantZone(tenant.settings);
    for (const a of automations) {
      if (a.trigger.type !== 'event') continue;
      appendTo(this.matching, a.trigger.eventType, a);
      for (const type of a.trigger.cancelOn) appendTo(this.cancelling, type, a);
    }
  }

  /** Takes the next events of the request: dedupe, contact lookups, occurrences, then the event rows with their final status. */
  async chunk(events: EventInput[]): Promise<void> {
    const { report } = this;
    report.received += events.length;
    const results = events.map((e): EventResult => ({ idempotencyKey: e.idempotencyKey, id: null, status: 'duplicate', detail: null, occurrences: 0 }));
    for (const r of results) report.results.push(r);
    const fresh: number[] = [];
    events.forEach((e, i) => { if (!this.seen.has(e.idempotencyKey)) fresh.push(i); this.seen.add(e.idempotencyKey); });
    const sent = await existingEventKeys(this.target, this.tenant.id, fresh.map((i) => events[i].idempotencyKey));
    const taken = fresh.filter((i) => !sent.has(events[i].idempotencyKey));
    if (!taken.length) return;
    const phones = new Map(taken.map((i) => [i, events[i].contact.phone ? normalizePhone(events[i].contact.phone, this.country) : null]));
    const byPhone = await contactZonesByPhone(this.target, this.tenant.id, [...new Set([...phones.values()].flatMap((p) => (p?.ok ? [p.e164] : [])))]);
    const externalIds = [...new Set(taken.flatMap((i) => (events[i].contact.externalId ? [events[i].contact.externalId!] : [])))];
    const byExternal = externalIds.length ? await contactsByExternalId(this.db, this.deps.store.dialect, this.tenant.id, externalIds) : new Map<string, ContactZone>();
    const rows: AutomationEventsTable[] = [];
    const occurrences: NewOccurrence[] = [];
    for (const i of taken) {
      const e = events[i];
      const p = phones.get(i) ?? null;
      const res = results[i];
      res.id = newId();
      const data = JSON.stringify(e.data);
      const contact = (e.contact.externalId ? byExternal.get(e.contact.externalId) : undefined) ?? (p?.ok ? byPhone.get(p.e164) ?? await this.created(e, p.e164, byPhone) : undefined);
      const occurredAt = e.occurredAt ? new Date(e.occurredAt) : this.now;
      const outcome = contact
        ? await this.fire(e, res, contact, occurredAt, data, occurrences)
        : { status: 'unknown_contact', detail: p && !p.ok ? 'the phone number is not valid' : 'no contact with this phone or externalId' };
      res.status = outcome.status;
      res.detail = outcome.detail;
      rows.push({
        id: res.id, tenant_id: this.tenant.id, type: e.type, idempotency_key: e.idempotencyKey, contact_id: contact?.id ?? null, phone: p?.ok ? p.e164 : e.contact.phone ?? null,
        external_id: e.contact.externalId ?? null, occurred_at: occurredAt.toISOString(), data, status: outcome.status, detail: outcome.detail, received_at: this.nowIso,
      });
    }
    const stored = await insertEvents(this.deps.store, this.db, rows);
    // a key another request stored meanwhile (PostgreSQL, its transaction committed first) is a duplicate: its occurrences are
    // not written (pending steps it cancelled, the other cancelled too)
    for (const i of taken) if (!stored.has(results[i].id!)) Object.assign(results[i], { id: null, status: 'duplicate', detail: null, occurrences: 0 });
    report.occurrences += await insertOccurrences(this.deps.store, stored.size === rows.length ? occurrences : occurrences.filter((o) => stored.has(o.event_id!)), this.db);
  }

  /** The contact an event for an unknown number creates when one of its automations says so. */
  private async created(e: EventInput, phone: string, byPhone: Map<string, ContactZone>): Promise<ContactZone | undefined> {
    if (!(this.matching.get(e.type) ?? []).some((a) => a.trigger.type === 'event' && a.trigger.createContact)) return undefined;
    const c = await createContact(this.db, this.tenant.id, { phone, fields: e.contact.externalId ? { externalId: e.contact.externalId } : {}, source: 'event' }, this.nowIso);
    const zone = { id: c.id, timezone: c.timezone };
    byPhone.set(phone, zone);
    return zone;
  }

  /** Cancels what the event's type cancels and plans the steps of each automation on its type; answers the event's status. */
  private async fire(e: EventInput, res: EventResult, contact: ContactZone, occurredAt: Date, data: string, out: NewOccurrence[]): Promise<{ status: string; detail: string | null }> {
    const { now, nowIso } = this;
    const matching = this.matching.get(e.type) ?? [];
    const cancelling = this.cancelling.get(e.type) ?? [];
    if (cancelling.length) this.report.cancelled += await cancelPendingFor(this.db, this.tenant.id, cancelling.map((a) => a.id), contact.id, `cancelled by a ${e.type} event`, nowIso);
    if (!matching.length) return { status: cancelling.length ? 'applied' : 'no_automation', detail: null };
    const outcomes: string[] = [];
    const vars = `{"event":${data},"eventType":${JSON.stringify(e.type)}}`;
    for (const a of matching) {
      const t = a.trigger as Extract<Automation['trigger'], { type: 'event' }>;
      if (t.ttlHours !== undefined && now.getTime() - occurredAt.getTime() > t.ttlHours * 3600_000) { outcomes.push('expired'); continue; }
      const value = t.suppress ? text(Object.hasOwn(e.data, t.suppress.key) ? e.data[t.suppress.key] : undefined) ?? '' : null;
      if (t.suppress && value !== null) {
        const mark = `${a.id}|${contact.id}|${value}`;
        if (this.suppressedNow.has(mark) || await suppressedSince(this.db, a.id, contact.id, value, new Date(now.getTime() - t.suppress.days * 86_400_000).toISOString())) { outcomes.push('suppressed'); continue; }
        this.suppressedNow.add(mark);
      }
      const anchor = anchorOf(a, e, occurredAt);
      if (!anchor) { outcomes.push('invalid_anchor'); continue; }
      const zone = eventZone(e.data, contact.timezone ?? a.timezone ?? this.defaultZone);
      a.steps.forEach((step, s) => {
        const due = dueAt(step, anchor.date, anchor.instant, zone);
        const late = due.getTime() < now.getTime() - graceMs;
        if (!late) res.occurrences++;
        out.push({
          id: newId(), tenant_id: this.tenant.id, automation_id: a.id, contact_id: contact.id, key: `event:${e.idempotencyKey}`, step: s, due_at: due.toISOString(),
          local_date: ymdText(localDate(due, zone)), zone, source: null, vars, event_id: res.id, suppress_value: value,
          status: late ? 'skipped' : 'pending', reason: late ? 'its time had already passed when the event arrived' : null, created_at: nowIso, updated_at: nowIso,
        });
      });
      outcomes.push('accepted');
    }
    if (outcomes.includes('accepted')) return { status: 'accepted', detail: null };
    return { status: outcomes[0], detail: outcomes.includes('invalid_anchor') ? 'the anchor field is not a date YYYY-MM-DD' : null };
  }
}
