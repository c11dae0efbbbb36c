import { z } from 'zod';
import { DateTime } from 'luxon';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { tenantOf } from '../plugins/auth.ts';
import { DomainError } from '../../domain/errors.ts';
import { tenantHourly } from '../../store/repos/stats.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { listCampaigns } from '../../store/repos/campaigns.ts';
import { tenantZone } from '../../domain/tenants.ts';

const daySchema = z.object({ day: z.string(), sent: z.number(), delivered: z.number(), failed: z.number(), excluded: z.number(), replies: z.number() });
const failed = new Set(['undelivered', 'expired', 'rejected', 'failed']);
const sent = new Set(['submitted', 'delivered', 'undelivered', 'expired']);

/** `GET /api/v1/stats/overview`: today's and each recent day's sent, delivered, failed and replies, in the tenant's time zone. */
export function statsRoutes(app: App, deps: Deps): void {
  app.get('/api/v1/stats/overview', {
    schema: {
      tags: ['stats'], summary: 'Sent, delivered, failed, excluded and replies per day (tenant time zone), today first, and running campaigns',
      querystring: z.object({ days: z.coerce.number().int().min(1).max(92).default(14) }),
      response: { 200: z.object({ timezone: z.string(), today: daySchema, days: z.array(daySchema), runningCampaigns: z.number(), balance: z.string() }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const tenant = (await findTenant(deps.store.db, tenantId))!;
    const zone = tenantZone(tenant.settings);
    const now = DateTime.fromJSDate(deps.now()).setZone(zone);
    if (!now.isValid) throw new DomainError('invalid_request', `tenant time zone ${zone} is not valid`);
    const first = now.startOf('day').minus({ days: request.query.days - 1 });
    const hourly = await tenantHourly(deps.store.db, tenantId, first.toMillis());
    const days = new Map<string, z.infer<typeof daySchema>>();
    for (let d = 0; d < request.query.days; d++) {
      const day = first.plus({ days: d }).toISODate()!;
      days.set(day, { day, sent: 0, delivered: 0, failed: 0, excluded: 0, replies: 0 });
    }
    const dayOf = (hour: string) => DateTime.fromISO(`${hour}:00:00Z`).setZone(zone).toISODate()!;
    for (const r of hourly.messages) {
      const d = days.get(dayOf(r.hour));
      if (!d) continue;
      if (sent.has(r.status)) d.sent += r.n;
      if (r.status === 'delivered') d.delivered += r.n;
      if (failed.has(r.status)) d.failed += r.n;
      if (r.status === 'excluded') d.excluded += r.n;
    }
    for (const r of hourly.replies) {
      const d = days.get(dayOf(r.hour));
      if (d) d.replies += r.n;
    }
    const list = [...days.values()].reverse();
    const running = await listCampaigns(deps.store.db, tenantId, { limit: 200, status: 'running' });
    return { timezone: zone, today: list[0], days: list, runningCampaigns: running.length, balance: tenant.balance.toString() };
  });
}
