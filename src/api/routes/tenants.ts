import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import type { Lookups } from '../lookups.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { tenantSettingsSchema, validateSlug } from '../../domain/tenants.ts';
import { createTenant, findTenant, findTenantByIdOrSlug, findTenantBySlug, listTenants, updateTenant, type Tenant } from '../../store/repos/tenants.ts';
import { formatSignature } from '../../domain/templates.ts';
import { checkSignatures } from '../../store/repos/signatures.ts';
import { audit } from '../../store/repos/audit.ts';

const tenantSchema = z.object({
  id: z.string(), slug: z.string(), name: z.string(), status: z.string(), settings: z.record(z.string(), z.unknown()),
  balance: z.string().describe('Balance in minor units (integer as a string)'), createdAt: z.string(),
});
const idParams = z.object({ id: z.string().min(1) });

function show(t: Tenant) {
  return { ...t, balance: t.balance.toString() };
}

/** Platform administration of tenants, and a tenant's own profile and settings. */
export function tenantRoutes(app: App, deps: Deps, lookups: Lookups): void {
  const db = deps.store.db;
  app.get('/api/v1/admin/tenants', {
    schema: { tags: ['admin'], summary: 'List tenants', response: { 200: z.object({ tenants: z.array(tenantSchema) }) } },
    config: { permission: 'platform' },
  }, async () => ({ tenants: (await listTenants(db)).map(show) }));

  app.post('/api/v1/admin/tenants', {
    schema: { tags: ['admin'], summary: 'Create a tenant', body: z.object({ slug: z.string(), name: z.string().min(1).max(200).optional() }), response: { 201: tenantSchema } },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    const slug = validateSlug(request.body.slug);
    if (await findTenantBySlug(db, slug)) throw new DomainError('conflict', `tenant ${slug} already exists`, { field: 'slug' });
    const tenant = await createTenant(db, { slug, name: request.body.name });
    await audit(db, null, actorOf(request), 'tenant.create', tenant.id, { slug });
    return reply.status(201).send(show(tenant));
  });

  app.get('/api/v1/admin/tenants/:id', {
    schema: { tags: ['admin'], summary: 'One tenant by id or slug', params: idParams, response: { 200: tenantSchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await findTenantByIdOrSlug(db, request.params.id);
    if (!t) throw notFound('tenant');
    return show(t);
  });

  app.patch('/api/v1/admin/tenants/:id', {
    schema: { tags: ['admin'], summary: 'Rename, suspend or reactivate a tenant, set its refund policy, or allow it free marketing text', params: idParams, body: z.object({ name: z.string().min(1).max(200).optional(), status: z.enum(['active', 'suspended']).optional(), refundPolicy: z.enum(['failed', 'undelivered', 'never']).optional(), marketingFreeText: z.boolean().optional() }).strict(), response: { 200: tenantSchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await findTenantByIdOrSlug(db, request.params.id);
    if (!t) throw notFound('tenant');
    const { refundPolicy, marketingFreeText, ...rest } = request.body;
    const platformSet = { ...(refundPolicy && { refundPolicy }), ...(marketingFreeText !== undefined && { marketingFreeText }) };
    await updateTenant(db, t.id, { ...rest, ...(Object.keys(platformSet).length && { settings: { ...t.settings, ...platformSet } }) });
    lookups.forgetTenant(t.id);
    await audit(db, null, actorOf(request), 'tenant.update', t.id, request.body);
    return show((await findTenant(db, t.id))!);
  });

  app.get('/api/v1/tenant', {
    schema: { tags: ['tenant'], summary: 'Your tenant: profile, settings and balance', response: { 200: tenantSchema } },
    config: { permission: 'read' },
  }, async (request) => show((await findTenant(db, tenantOf(request)))!));

  app.patch('/api/v1/tenant/settings', {
    schema: { tags: ['tenant'], summary: 'Change tenant settings (merged into the current ones)', body: tenantSettingsSchema, response: { 200: tenantSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const t = (await findTenant(db, tenantId))!;
    const b = request.body;
    if (request.auth!.role !== 'platform') {
      // The refund policy moves platform money and quiet hours protect recipients: only the operator changes them.
      if (b.refundPolicy !== undefined && b.refundPolicy !== (t.settings.refundPolicy ?? 'failed')) throw new DomainError('forbidden', 'only the platform operator may change the refund policy', { field: 'refundPolicy' });
      if (b.marketingFreeText !== undefined && b.marketingFreeText !== (t.settings.marketingFreeText ?? false)) throw new DomainError('forbidden', 'only the platform operator may allow free marketing text', { field: 'marketingFreeText' });
      if (b.quietHours === null && t.settings.quietHours !== null) throw new DomainError('forbidden', 'quiet hours for marketing may be moved but not switched off', { field: 'quietHours' });
    }
    if (b.signature) {
      b.signature = formatSignature(b.signature);
      await checkSignatures(db, tenantId, b.signature);
    }
    const settings = { ...t.settings, ...b };
    await updateTenant(db, tenantId, { settings });
    lookups.forgetTenant(tenantId);
    await audit(db, tenantId, actorOf(request), 'tenant.settings', tenantId, { changed: Object.keys(request.body) });
    return show((await findTenant(db, tenantId))!);
  });
}
