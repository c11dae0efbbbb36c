import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { tenantOf } from '../plugins/auth.ts';
import { listReferrals } from '../../store/repos/referrals.ts';
import { phoneFrom } from './contacts.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const referralSchema = z.object({
  id: z.string(), serviceId: z.string(), referrerContactId: z.string(), referrerPhone: z.string(), friendPhone: z.string(), friendContactId: z.string().nullable(),
  status: z.enum(['invited', 'joined', 'expired']), invitedAt: z.string(), expiresAt: z.string(), joinedAt: z.string().nullable(),
});

/** Refer-a-friend invitations (`GET /api/v1/referrals`). */
export function referralRoutes(app: App, deps: Deps): void {
  app.get('/api/v1/referrals', {
    schema: {
      tags: ['points'], summary: 'Refer-a-friend invitations, newest first (an invitation past its time shows expired)',
      querystring: z.object({ status: z.enum(['invited', 'joined', 'expired']).optional(), referrer: z.string().max(30).optional(), before: beforeQuery, limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      response: { 200: z.object({ referrals: z.array(referralSchema), next: nextField }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const q = request.query;
    const referrerPhone = q.referrer ? await phoneFrom(deps, tenantId, q.referrer, 'referrer') : undefined;
    const referrals = await listReferrals(deps.store.db, tenantId, { limit: q.limit, now: deps.now().toISOString(), status: q.status, referrerPhone, before: q.before });
    return { referrals, next: nextCursor(referrals, q.limit, (r) => ({ at: r.invitedAt, id: r.id })) };
  });
}
