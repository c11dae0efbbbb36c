import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { blockNumbers, listBlocked, unblockNumber, type BlockScope } from '../../store/repos/blocklist.ts';
import { audit } from '../../store/repos/audit.ts';
import { defaultCountryOf } from './contacts.ts';

const entrySchema = z.object({ id: z.string(), phone: z.string(), reason: z.string().nullable(), createdAt: z.string(), platform: z.boolean() });

/** The tenant blocklist (`/api/v1/blocklist`) and the platform blocklist (`/api/v1/admin/blocklist`, applies to every tenant). */
export function blocklistRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const scopes: { path: string; permission: 'manage' | 'platform'; scope: (r: FastifyRequest) => BlockScope }[] = [
    { path: '/api/v1/blocklist', permission: 'manage', scope: (r) => ({ tenantId: tenantOf(r) }) },
    { path: '/api/v1/admin/blocklist', permission: 'platform', scope: () => 'platform' },
  ];
  const e164 = async (scope: BlockScope, raw: string, field: string) => {
    const country: CountryCode = scope === 'platform' ? 'CN' : await defaultCountryOf(deps, scope.tenantId);
    const r = normalizePhone(raw, country);
    if (!r.ok) throw new DomainError('invalid_request', `${field}: ${r.detail}`, { field, reason: r.reason });
    return r.e164;
  };
  for (const s of scopes) {
    const tags = [s.permission === 'platform' ? 'admin' : 'contacts'];
    const tenantIdOf = (scope: BlockScope) => (scope === 'platform' ? null : scope.tenantId);

    app.get(s.path, {
      schema: { tags, summary: 'List blocked numbers', querystring: z.object({ after: z.string().default(''), limit: z.coerce.number().int().min(1).max(5000).default(1000) }), response: { 200: z.object({ entries: z.array(entrySchema) }) } },
      config: { permission: s.permission },
    }, async (request) => ({ entries: await listBlocked(db, s.scope(request), request.query.limit, request.query.after) }));

    app.post(s.path, {
      schema: { tags, summary: 'Block numbers (any format)', body: z.object({ phones: z.array(z.string().min(1)).min(1).max(10000), reason: z.string().max(200).nullable().optional() }), response: { 200: z.object({ blocked: z.array(z.string()) }) } },
      config: { permission: s.permission },
    }, async (request) => {
      const scope = s.scope(request);
      const phones: string[] = [];
      for (const [i, p] of request.body.phones.entries()) phones.push(await e164(scope, p, `phones.${i}`));
      await blockNumbers(db, scope, phones, request.body.reason ?? null, deps.now().toISOString());
      await audit(db, tenantIdOf(scope), actorOf(request), 'blocklist.add', null, { count: phones.length });
      return { blocked: phones };
    });

    app.delete(`${s.path}/:phone`, {
      schema: { tags, summary: 'Unblock a number', params: z.object({ phone: z.string().min(1) }), response: { 204: z.null() } },
      config: { permission: s.permission },
    }, async (request, reply) => {
      const scope = s.scope(request);
      if (!(await unblockNumber(db, scope, await e164(scope, request.params.phone, 'phone')))) throw notFound('blocked number');
      await audit(db, tenantIdOf(scope), actorOf(request), 'blocklist.remove', null, {});
      return reply.status(204).send(null);
    });
  }
}
