// Results of a service: its type's view over every response (at the current version's rules), conversation counts.
import type { Deps } from '../deps.ts';
import type { ServicesTable } from '../store/database.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { tenantZone } from '../domain/tenants.ts';
import { DomainError } from '../domain/errors.ts';
import { eachResponse } from '../store/repos/services.ts';
import { serviceAt, serviceContext } from './engine.ts';
import type { StoredResponse } from './service.ts';

/** Results are computed over at most this many responses (exports have no limit). */
export const resultsResponseLimit = 500_000;

/** The results of a service: counts by version and state, and its type's own view. */
export async function serviceResults(deps: Deps, row: ServicesTable): Promise<Record<string, unknown>> {
  const db = deps.store.db;
  const svc = await serviceAt(db, row);
  if (!svc) throw new DomainError('conflict', `the service's config no longer fits its type ${row.type}`);
  const responses: StoredResponse[] = [];
  for await (const page of eachResponse(db, row.tenant_id, row.id)) {
    responses.push(...page);
    if (responses.length >= resultsResponseLimit) break;
  }
  const states = await db.selectFrom('service_conversations').select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', row.tenant_id).where('service_id', '=', row.id).groupBy('state').execute();
  const conversations: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const s of states) conversations[s.state] = Number(s.n);
  const byVersion: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const r of responses) byVersion[r.serviceVersion] = (byVersion[r.serviceVersion] ?? 0) + 1;
  const zone = tenantZone((await findTenant(db, row.tenant_id))?.settings ?? {});
  const ctx = serviceContext(deps, db, svc.at, zone, async () => responses);
  return {
    serviceId: row.id, type: row.type, status: row.status, version: row.version, responses: responses.length, valid: responses.filter((r) => r.valid).length,
    responsesByVersion: byVersion, conversations: { ...conversations }, truncated: responses.length >= resultsResponseLimit,
    view: await svc.type.results(ctx, svc.at, responses, conversations),
  };
}
