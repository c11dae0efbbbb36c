import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import type { Lookups } from '../lookups.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { canAssignRole, tenantRoles, type Role } from '../../domain/access.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/repos/apikeys.ts';
import { audit } from '../../store/repos/audit.ts';

const keySchema = z.object({
  id: z.string(), tenantId: z.string().nullable(), name: z.string(), prefix: z.string(), role: z.string(),
  createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(),
});
const createdSchema = keySchema.extend({ key: z.string().describe('The secret: shown only in this response') });
const idParams = z.object({ id: z.string().min(1) });

/** API keys of the tenant (`/api/v1/apikeys`) and of the platform (`/api/v1/admin/apikeys`): create (shown once), list, revoke. */
export function apikeyRoutes(app: App, deps: Deps, lookups: Lookups): void {
  const db = deps.store.db;
  const scopes: { path: string; permission: 'manage' | 'platform'; tenant: (r: FastifyRequest) => string | null; defaultRole: Role }[] = [
    { path: '/api/v1/apikeys', permission: 'manage', tenant: tenantOf, defaultRole: 'admin' },
    { path: '/api/v1/admin/apikeys', permission: 'platform', tenant: () => null, defaultRole: 'platform' },
  ];
  for (const scope of scopes) {
    const tags = [scope.permission === 'platform' ? 'admin' : 'apikeys'];
    app.get(scope.path, {
      schema: { tags, summary: 'List API keys (never their secrets)', response: { 200: z.object({ keys: z.array(keySchema) }) } },
      config: { permission: scope.permission },
    }, async (request) => ({ keys: await listApiKeys(db, scope.tenant(request)) }));

    app.post(scope.path, {
      schema: {
        tags, summary: 'Create an API key; the secret is in this response only',
        body: z.object({ name: z.string().min(1).max(100).default('API key'), role: z.enum(tenantRoles).optional() }),
        response: { 201: createdSchema },
      },
      config: { permission: scope.permission },
    }, async (request, reply) => {
      const tenantId = scope.tenant(request);
      if (tenantId === null && request.body.role) throw new DomainError('invalid_request', 'platform keys always have the platform role', { field: 'role' });
      const role: Role = request.body.role ?? scope.defaultRole;
      if (role !== 'platform' && !canAssignRole(request.auth!.role, role)) throw new DomainError('forbidden', `role ${request.auth!.role} may not create a key with role ${role}`);
      const { key, apiKey } = await createApiKey(db, { tenantId, name: request.body.name, role, createdBy: request.auth!.userId ?? request.auth!.keyId });
      await audit(db, tenantId, actorOf(request), 'apikey.create', apiKey.id, { prefix: apiKey.prefix, role });
      return reply.status(201).send({ ...apiKey, key });
    });

    app.delete(`${scope.path}/:id`, {
      schema: { tags, summary: 'Revoke an API key (by id or prefix)', params: idParams, response: { 200: keySchema } },
      config: { permission: scope.permission },
    }, async (request) => {
      const tenantId = scope.tenant(request);
      const key = await revokeApiKey(db, tenantId, request.params.id);
      if (!key) throw notFound('API key');
      lookups.forgetApiKey(key.prefix);
      await audit(db, tenantId, actorOf(request), 'apikey.revoke', key.id, { prefix: key.prefix });
      return key;
    });
  }
}
