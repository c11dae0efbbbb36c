import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { olderThan } from '../keyset.ts';

/** Who acted: a user, an API key, the CLI on the server, or the system itself. */
export interface Actor { type: 'user' | 'apikey' | 'cli' | 'system'; id: string | null; ip?: string | null }

/** One audit entry. */
export interface AuditEntry { id: string; tenantId: string | null; actorType: string; actorId: string | null; action: string; target: string | null; details: unknown; ip: string | null; at: string }

/** Appends an entry to the audit log (never secrets in details). */
export async function audit(db: Db, tenantId: string | null, actor: Actor, action: string, target: string | null, details?: Record<string, unknown>): Promise<void> {
  await db.insertInto('audit_log').values({
    id: newId(), tenant_id: tenantId, actor_type: actor.type, actor_id: actor.id, action, target,
    details: details ? JSON.stringify(details) : null, ip: actor.ip ?? null, at: new Date().toISOString(),
  }).execute();
}

/** Lists a tenant's audit entries (or the platform's when tenantId is null), newest first. */
export async function listAudit(db: Db, tenantId: string | null, opts: { limit: number; before?: string }): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(opts.limit);
  q = tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
  if (opts.before) q = q.where(olderThan('at', 'id', opts.before));
  return (await q.execute()).map((r) => ({
    id: r.id, tenantId: r.tenant_id, actorType: r.actor_type, actorId: r.actor_id, action: r.action, target: r.target,
    details: r.details ? JSON.parse(r.details) : null, ip: r.ip, at: r.at,
  }));
}
