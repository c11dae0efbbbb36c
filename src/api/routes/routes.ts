import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { categories, type Category } from '../../domain/templates.ts';
import type { RouteRule } from '../../domain/routing.ts';
import { createRoute, deleteRoute, listRoutes, updateRoute } from '../../store/repos/routes.ts';
import { findChannel } from '../../store/repos/channels.ts';
import { findTenantByIdOrSlug } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';

const routeSchema = z.object({
  id: z.string(), tenantId: z.string().nullable(), position: z.number(), carrier: z.string().nullable(), country: z.string().nullable(),
  prefix: z.string().nullable(), category: z.string().nullable(), channelId: z.string(), price: z.string().describe('per segment, minor units'), enabled: z.boolean(),
});
const routeBody = z.object({
  tenant: z.string().nullable().optional().describe('tenant id or slug; null = every tenant'),
  position: z.number().int().min(0).max(1_000_000).optional(),
  carrier: z.string().min(1).nullable().optional().describe('e.g. "China Mobile"'),
  country: z.string().regex(/^[A-Z]{2}$/).nullable().optional(),
  prefix: z.string().regex(/^\d{1,15}$/, 'digits of the E.164 number without +').nullable().optional(),
  category: z.enum(categories as [Category, ...Category[]]).nullable().optional(),
  channel: z.string().min(1).describe('channel id or name'),
  price: z.union([z.string().regex(/^\d{1,18}$/), z.number().int().min(0)]).describe('price per segment in minor units'),
  enabled: z.boolean().optional(),
}).strict();

const show = (r: RouteRule) => ({ ...r, price: r.price.toString() });

/** Platform administration of routing rules: (tenant, carrier, country, prefix, category) → channel and price. */
export function routeRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  async function resolve(b: { tenant?: string | null; channel?: string }) {
    const out: { tenantId?: string | null; channelId?: string } = {};
    if (b.tenant !== undefined) {
      const t = b.tenant === null ? null : await findTenantByIdOrSlug(db, b.tenant);
      if (t === undefined) throw new DomainError('invalid_request', `tenant ${b.tenant} does not exist`, { field: 'tenant' });
      out.tenantId = t?.id ?? null;
    }
    if (b.channel !== undefined) {
      const c = await findChannel(db, b.channel);
      if (!c) throw new DomainError('invalid_request', `channel ${b.channel} does not exist`, { field: 'channel' });
      out.channelId = c.id;
    }
    return out;
  }

  app.get('/api/v1/admin/routes', {
    schema: { tags: ['admin'], summary: 'List routing rules in the order they are tried', response: { 200: z.object({ routes: z.array(routeSchema) }) } },
    config: { permission: 'platform' },
  }, async () => ({ routes: (await listRoutes(db)).map(show) }));

  app.post('/api/v1/admin/routes', {
    schema: { tags: ['admin'], summary: 'Add a routing rule', body: routeBody, response: { 201: routeSchema } },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    const b = request.body;
    const ids = await resolve(b);
    const rule = await createRoute(db, { ...b, tenantId: ids.tenantId ?? null, channelId: ids.channelId!, price: BigInt(b.price) }, deps.now().toISOString());
    deps.router.invalidate();
    await audit(db, null, actorOf(request), 'route.create', rule.id, { channel: b.channel, price: String(b.price) });
    return reply.status(201).send(show(rule));
  });

  app.patch('/api/v1/admin/routes/:id', {
    schema: { tags: ['admin'], summary: 'Change a routing rule', params: z.object({ id: z.string() }), body: routeBody.partial(), response: { 200: routeSchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const b = request.body;
    if (!(await listRoutes(db)).some((r) => r.id === request.params.id)) throw notFound('route');
    const ids = await resolve(b);
    await updateRoute(db, request.params.id, { ...b, ...ids, price: b.price === undefined ? undefined : BigInt(b.price) });
    deps.router.invalidate();
    await audit(db, null, actorOf(request), 'route.update', request.params.id, { changed: Object.keys(b) });
    return show((await listRoutes(db)).find((r) => r.id === request.params.id)!);
  });

  app.delete('/api/v1/admin/routes/:id', {
    schema: { tags: ['admin'], summary: 'Remove a routing rule', params: z.object({ id: z.string() }), response: { 204: z.null() } },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    if (!await deleteRoute(db, request.params.id)) throw notFound('route');
    deps.router.invalidate();
    await audit(db, null, actorOf(request), 'route.delete', request.params.id);
    return reply.status(204).send(null);
  });
}
