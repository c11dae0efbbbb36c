// Welcome triggers → occurrences: joining a group, joining a subscription list (the join responses its service keeps),
// or being created (from one source or import). One occurrence per contact and step (key "once"): a contact that
// leaves and joins again, or a worker that runs the same automation at once, adds nothing.
import type { Deps } from '../deps.ts';
import { findGroupByName, getGroup } from '../store/repos/groups.ts';
import { listServices } from '../store/repos/services.ts';
import { insertOccurrences, type Automation, type NewOccurrence } from '../store/repos/automations.ts';
import { arrivalCursor, createdArrivals, groupArrivals, importsNamed, subscriptionArrivals, type Arrival, type CreatedFrom } from '../store/repos/welcomes.ts';
import type { ContactFilter } from '../store/repos/contacts.ts';
import { ymdText } from './calendar/lunar.ts';
import { conditionFilter, defaultZoneOf, graceMs, occurrenceRow, type RunReport } from './materialize.ts';
import { dueAt, localDate, type Trigger } from './rules.ts';

const pageSize = 500;

/** Where a welcome trigger's arrivals come from, or the reason it has none (a group or list that does not exist). */
type Arrivals = { page(after: string | null): Promise<{ arrivals: Arrival[]; last: string | null }> } | { missing: string };

/** The subscription list (a subscription service in list mode) of the tenant with this id or name. */
export async function findSubscriptionList(deps: Deps, tenantId: string, idOrName: string): Promise<{ id: string } | undefined> {
  const lists = await listServices(deps.store.db, tenantId, { type: 'subscription' });
  const mode = (s: { config: unknown }) => (s.config as { mode?: string } | null)?.mode ?? 'list';
  return lists.find((s) => (s.id === idOrName || s.name === idOrName) && mode(s) === 'list');
}

async function arrivalsOf(deps: Deps, a: Automation, t: Extract<Trigger, { type: 'join' | 'created' }>, since: string, filter: ContactFilter, now: string): Promise<Arrivals> {
  const db = deps.store.db;
  const keyed = (f: (after: string | null) => Promise<Arrival[]>) => ({
    page: async (after: string | null) => { const arrivals = await f(after); return { arrivals, last: arrivals.length ? arrivalCursor(arrivals[arrivals.length - 1]) : null }; },
  });
  if (t.type === 'created') {
    const from: CreatedFrom = { source: t.importId || t.importName ? 'import' : t.source };
    if (t.importId) from.importIds = [t.importId];
    if (t.importName) from.importIds = await importsNamed(db, a.tenantId, t.importName, since);
    return keyed((after) => createdArrivals(db, a.tenantId, since, from, filter, after, pageSize));
  }
  if (t.subscription) {
    const list = await findSubscriptionList(deps, a.tenantId, t.subscription);
    if (!list) return { missing: 'subscription_missing' };
    return { page: (after) => subscriptionArrivals(db, a.tenantId, list.id, since, filter, after, pageSize, now) };
  }
  const g = (await getGroup(db, a.tenantId, t.group!)) ?? (await findGroupByName(db, a.tenantId, t.group!));
  if (!g) return { missing: 'group_missing' };
  return keyed((after) => groupArrivals(db, a.tenantId, g.id, since, filter, after, pageSize));
}

/**
 * Materialises a welcome automation: one occurrence per contact (key "once", per step) for contacts that joined its
 * group or list, or were created (from its source), since it was first turned on (and no longer ago than the grace
 * plus its longest delay), each step due its delay after the join or creation.
 */
export async function materializeWelcome(deps: Deps, a: Automation, now: Date): Promise<RunReport> {
  const t = a.trigger;
  const nowIso = now.toISOString();
  const report: RunReport = { at: nowIso, contacts: 0, added: 0, moved: 0, cancelled: 0, skipped: {}, samples: [] };
  if ((t.type !== 'join' && t.type !== 'created') || !a.activatedAt) return report;
  const longest = Math.max(...a.steps.map((s) => s.offsetDays * 86_400_000 + s.delayMinutes * 60_000));
  const since = [a.activatedAt, new Date(now.getTime() - graceMs - Math.max(0, longest)).toISOString()].sort()[1];
  const zone = await defaultZoneOf(deps, a);
  const source = await arrivalsOf(deps, a, t, since, await conditionFilter(deps, a), nowIso);
  if ('missing' in source) { report.skipped[source.missing] = 1; return report; }
  for (let after: string | null = null; ;) {
    const { arrivals, last } = await source.page(after);
    if (!last) break;
    after = last;
    report.contacts += arrivals.length;
    const rows: NewOccurrence[] = [];
    for (const c of arrivals) {
      const z = c.timezone ?? zone;
      a.steps.forEach((step, i) => {
        const due = dueAt(step, null, new Date(c.at), z);
        rows.push(occurrenceRow(a, { contactId: c.id, key: 'once', step: i, dueAt: due, localDate: ymdText(localDate(due, z)), source: c.at, zone: z }, nowIso));
      });
    }
    report.added += await insertOccurrences(deps.store, rows);
  }
  return report;
}
