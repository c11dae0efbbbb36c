import type { Deps } from '../deps.ts';
import { Preparer } from './outbox.ts';
import { audienceFilter } from './audience.ts';
import type { Campaign } from '../store/repos/campaigns.ts';
import { audienceTables, contactPage, type RecipientFacts } from '../store/repos/recipients.ts';
import { refreshStatistics } from '../store/statistics.ts';
import { campaignSpec } from './scheduler.ts';

/** What a campaign would do if started now: counts by outcome and reason, segments, cost and the balance. */
export interface PreflightReport { total: number; queued: number; deferred: number; deferredBy: Record<string, number>; excluded: Record<string, number>; segments: number; cost: string; balance: string; sufficient: boolean }

/** Runs every pre-flight check over the whole audience without storing anything. */
export async function preflight(deps: Deps, c: Campaign): Promise<PreflightReport> {
  const db = deps.store.db;
  const spec = await campaignSpec(deps, c);
  const { tenant } = spec;
  const preparer = new Preparer(deps, spec);
  const report = { total: 0, queued: 0, deferred: 0, deferredBy: {} as Record<string, number>, excluded: {} as Record<string, number>, segments: 0, cost: 0n };
  const tally = async (recipients: { phone: string; contactId?: string; contact?: RecipientFacts; vars?: Record<string, unknown> }[]) => {
    for (const p of await preparer.prepare(recipients)) {
      report.total++;
      if (p.status === 'excluded') { report.excluded[p.reason!] = (report.excluded[p.reason!] ?? 0) + 1; continue; }
      report.queued++;
      if (p.notBefore) { report.deferred++; report.deferredBy[p.reason!] = (report.deferredBy[p.reason!] ?? 0) + 1; }
      report.segments += p.segments;
      report.cost += p.price;
    }
    preparer.commit();
  };
  const numbers = c.audience.numbers ?? [];
  for (let at = 0; at < numbers.length; at += 5000) {
    await tally(numbers.slice(at, at + 5000).map((n) => (typeof n === 'string' ? { phone: n } : { phone: n.phone, vars: n })));
  }
  const filter = await audienceFilter(deps, c.tenantId, c.audience);
  let after: string | null = null;
  if (filter) await refreshStatistics(deps.store, audienceTables);
  while (filter) {
    const page = await contactPage(db, c.tenantId, filter, after, 5000);
    await tally(page.map((x) => ({ phone: x.phone, contactId: x.id, contact: x })));
    if (page.length < 5000) break;
    after = page[page.length - 1].id;
  }
  return { ...report, cost: report.cost.toString(), balance: tenant.balance.toString(), sufficient: tenant.balance >= report.cost };
}
