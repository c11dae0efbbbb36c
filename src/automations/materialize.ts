// Yearly triggers → occurrences, materialised ahead over the automation's horizon. Several workers may run
// the same automation at once: the unique (automation, contact, key, step) lets each occurrence exist once.
import { sql, type SqlBool } from 'kysely';
import type { Deps } from '../deps.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { tenantZone } from '../domain/tenants.ts';
import type { ContactFilter } from '../store/repos/contacts.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { workCalendar } from '../store/repos/holidays.ts';
import { datedContactPage, insertOccurrences, moveOccurrence, occurrencesBetween, cancelOccurrence, type Automation, type NewOccurrence } from '../store/repos/automations.ts';
import { audienceFilter } from '../worker/audience.ts';
import { Planner, type Candidate, type PlanProblem } from './planner.ts';

/** How long after its time an occurrence is still sent (a worker that was down a while catches up; later ones are missed). */
export const graceMs = 6 * 3600_000;
const pageSize = 2000;

/** What one run did: contacts read, occurrences added and moved, and contacts skipped by reason (with a few samples). */
export interface RunReport {
  at: string; contacts: number; added: number; moved: number; cancelled: number;
  skipped: Record<string, number>; samples: { contactId: string; value: string; reason: string }[];
}

const everyone: ContactFilter = () => sql<SqlBool>`1 = 1`;

/** The contact filter of an automation's conditions (every contact when it has none). */
export async function conditionFilter(deps: Deps, a: Automation): Promise<ContactFilter> {
  const c = a.conditions ?? {};
  return (c.groups?.length || c.segment || c.filter) ? (await audienceFilter(deps, a.tenantId, c))! : everyone;
}

/** The zone of an automation's contacts that have none: its own, else the tenant's. */
export async function defaultZoneOf(deps: Deps, a: Automation): Promise<string> {
  const tenant = await findTenant(deps.store.db, a.tenantId);
  if (!tenant) throw new DomainError('not_found', 'tenant not found');
  return a.timezone ?? tenantZone(tenant.settings);
}

/** The years whose yearly dates can fall in [from, to] (a lunar year's late months fall in the next solar year; offsets reach back). */
function yearsAround(from: Date, to: Date): number[] {
  const years: number[] = [];
  for (let y = from.getUTCFullYear() - 1; y <= to.getUTCFullYear() + 1; y++) years.push(y);
  return years;
}

/** A planner of a date or holiday automation, with its working-day calendar loaded for these years. */
export async function plannerOf(deps: Deps, a: Automation, years: number[]): Promise<Planner> {
  if (a.trigger.type !== 'date' && a.trigger.type !== 'holiday') throw new Error(`not a yearly trigger: ${a.trigger.type}`);
  return new Planner(a.trigger, a.steps, await defaultZoneOf(deps, a), await workCalendar(deps.store.db, years));
}

function tally(report: RunReport, contactId: string, p: PlanProblem): void {
  report.skipped[p.kind] = (report.skipped[p.kind] ?? 0) + 1;
  if (p.kind === 'invalid_date' && report.samples.length < 10) report.samples.push({ contactId, value: p.value, reason: p.reason });
  if (p.kind === 'calendar_missing' && report.samples.length < 10 && !report.samples.some((s) => s.value === String(p.year))) {
    report.samples.push({ contactId, value: String(p.year), reason: `the holiday calendar has no data for ${p.year}` });
  }
}

/** The pending occurrence row of a candidate. */
export function occurrenceRow(a: Automation, c: Candidate, now: string): NewOccurrence {
  return {
    id: newId(), tenant_id: a.tenantId, automation_id: a.id, contact_id: c.contactId, key: c.key, step: c.step, due_at: c.dueAt.toISOString(),
    local_date: c.localDate, zone: c.zone, source: c.source, vars: null, event_id: null, suppress_value: null, status: 'pending', reason: null, created_at: now, updated_at: now,
  };
}

/**
 * Materialises a date or holiday automation's occurrences due in [now − grace, now + horizon]. A date edited before
 * its send moves the pending occurrence (only the new date fires; one moved out of the window is cancelled); one
 * edited after it adds nothing (the year's occurrence exists). With `dryRun`, returns the candidates instead.
 */
export async function materializeYearly(deps: Deps, a: Automation, now: Date, opts: { dryRun?: boolean; horizonDays?: number; limit?: number } = {}): Promise<{ report: RunReport; candidates: Candidate[] }> {
  const db = deps.store.db;
  const nowIso = now.toISOString();
  const from = new Date(now.getTime() - graceMs);
  const to = new Date(now.getTime() + (opts.horizonDays ?? a.horizonDays) * 86_400_000);
  const years = yearsAround(from, to);
  const planner = await plannerOf(deps, a, years);
  const filter = await conditionFilter(deps, a);
  const report: RunReport = { at: nowIso, contacts: 0, added: 0, moved: 0, cancelled: 0, skipped: {}, samples: [] };
  const preview: Candidate[] = [];
  const keys = years.map(String);
  const t = a.trigger;
  const fields = t.type === 'date' ? { value: t.field, calendar: t.calendarField } : {};
  for (let after: string | null = null; ;) {
    const page = await datedContactPage(db, deps.store.dialect, a.tenantId, filter, fields, after, pageSize);
    if (!page.length) break;
    after = page[page.length - 1].id;
    report.contacts += page.length;
    const existing = opts.dryRun ? [] : await occurrencesBetween(db, a.id, page[0].id, after, keys);
    const pending = new Set(existing.filter((e) => e.status === 'pending').map((e) => e.contact_id));
    const candidates: Candidate[] = [];
    // for a contact with a pending occurrence, where each of its yearly steps falls now (in or out of the window)
    const wide = new Map<string, Candidate>();
    for (const contact of page) {
      const { candidates: found, problem } = planner.planDated(contact, years, from, to);
      if (problem) tally(report, contact.id, problem);
      for (const c of found) candidates.push(c);
      if (pending.has(contact.id)) for (const c of planner.planDated(contact, years, new Date(0), new Date(8.64e15)).candidates) wide.set(`${c.contactId}|${c.key}|${c.step}`, c);
    }
    if (opts.dryRun) {
      preview.push(...candidates);
      if (opts.limit && preview.length >= opts.limit) break;
      continue;
    }
    const have = new Set(existing.map((e) => `${e.contact_id}|${e.key}|${e.step}`));
    for (const e of existing) {
      if (e.status !== 'pending') continue;
      const now2 = wide.get(`${e.contact_id}|${e.key}|${e.step}`);
      if (now2 && now2.source === e.source) continue;
      if (now2 && now2.dueAt >= from) {
        if (await moveOccurrence(db, e.id, { dueAt: now2.dueAt.toISOString(), localDate: now2.localDate, source: now2.source, zone: now2.zone }, nowIso)) report.moved++;
      } else if (await cancelOccurrence(db, a.tenantId, e.id, now2 ? 'the date changed to one already past' : 'the date field no longer gives this date', nowIso)) report.cancelled++;
    }
    report.added += await insertOccurrences(deps.store, candidates.filter((c) => !have.has(`${c.contactId}|${c.key}|${c.step}`)).map((c) => occurrenceRow(a, c, nowIso)));
    if (page.length < pageSize) break;
  }
  return { report, candidates: preview };
}
