import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { tenantOf } from '../plugins/auth.ts';
import { listAudit, type AuditEntry } from '../../store/repos/audit.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const entrySchema = z.object({
  id: z.string(), tenantId: z.string().nullable(), actorType: z.string(), actorId: z.string().nullable(), action: z.string(),
  target: z.string().nullable(), details: z.unknown(), ip: z.string().nullable(), at: z.string(),
});
const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: beforeQuery });

/** A page of entries with the cursor of the next one. */
const page = (entries: AuditEntry[], limit: number) => ({ entries, next: nextCursor(entries, limit, (e) => e) });

/** The audit log of the tenant and, for platform admins, of the platform. */
export function auditRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  app.get('/api/v1/audit', {
    schema: { tags: ['audit'], summary: 'The tenant audit log, newest first', querystring: query, response: { 200: z.object({ entries: z.array(entrySchema), next: nextField }) } },
    config: { permission: 'manage' },
  }, async (request) => page(await listAudit(db, tenantOf(request), request.query), request.query.limit));
  app.get('/api/v1/admin/audit', {
    schema: { tags: ['admin'], summary: 'The platform audit log, newest first', querystring: query, response: { 200: z.object({ entries: z.array(entrySchema), next: nextField }) } },
    config: { permission: 'platform' },
  }, async (request) => page(await listAudit(db, null, request.query), request.query.limit));
}
