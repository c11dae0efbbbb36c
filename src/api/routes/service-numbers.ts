import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import {
  createServiceNumber, deleteServiceNumber, listCodes, listServiceNumbers, senderFor, setCampaignCode, setTenantCode,
} from '../../store/repos/service-numbers.ts';
import { findTenantBySlug } from '../../store/repos/tenants.ts';
import { findChannel } from '../../store/repos/channels.ts';
import { audit } from '../../store/repos/audit.ts';
import { invalidateInboundCache } from '../../worker/inbound.ts';

const numberSchema = z.object({ id: z.string(), number: z.string(), channelId: z.string().nullable(), tenantId: z.string().nullable(), description: z.string().nullable(), createdAt: z.string() });
const codeSchema = z.object({ id: z.string(), tenantId: z.string(), campaignId: z.string().nullable(), code: z.string(), createdAt: z.string() });

/** Service numbers (platform) and extension codes (tenant code by the platform, campaign codes by the tenant). */
export function serviceNumberRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;

  app.get('/api/v1/admin/service-numbers', {
    schema: { tags: ['admin'], summary: 'Every service number', response: { 200: z.object({ numbers: z.array(numberSchema) }) } },
    config: { permission: 'platform' },
  }, async () => ({ numbers: await listServiceNumbers(db) }));

  app.post('/api/v1/admin/service-numbers', {
    schema: {
      tags: ['admin'], summary: 'Add a service number: shared (tenants add their extension code) or dedicated to a tenant',
      body: z.object({
        number: z.string().regex(/^\d{1,20}$/), channel: z.string().optional().describe('Channel name or id (default: any channel)'),
        tenant: z.string().optional().describe('Tenant slug: the number is dedicated to it'), description: z.string().max(200).optional(),
      }),
      response: { 201: numberSchema },
    },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    const b = request.body;
    const channel = b.channel ? await findChannel(db, b.channel) : undefined;
    if (b.channel && !channel) throw new DomainError('invalid_request', `channel "${b.channel}" does not exist`, { field: 'channel' });
    const tenant = b.tenant ? await findTenantBySlug(db, b.tenant) : undefined;
    if (b.tenant && !tenant) throw new DomainError('invalid_request', `tenant "${b.tenant}" does not exist`, { field: 'tenant' });
    const n = await createServiceNumber(db, { number: b.number, channelId: channel?.id ?? null, tenantId: tenant?.id ?? null, description: b.description ?? null }, deps.now().toISOString());
    invalidateInboundCache(deps);
    await audit(db, null, actorOf(request), 'service_number.create', n.id, { number: n.number, tenant: b.tenant ?? null });
    return reply.status(201).send(n);
  });

  app.delete('/api/v1/admin/service-numbers/:id', {
    schema: { tags: ['admin'], summary: 'Remove a service number', params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'platform' },
  }, async (request) => {
    if (!await deleteServiceNumber(db, request.params.id)) throw notFound('service number');
    invalidateInboundCache(deps);
    await audit(db, null, actorOf(request), 'service_number.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });

  app.put('/api/v1/admin/tenants/:slug/extension', {
    schema: {
      tags: ['admin'], summary: 'Set (or with null remove) a tenant\'s extension code on the shared service numbers',
      params: z.object({ slug: z.string() }), body: z.object({ code: z.string().regex(/^\d{1,8}$/).nullable() }), response: { 200: z.object({ code: codeSchema.nullable() }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const tenant = await findTenantBySlug(db, request.params.slug);
    if (!tenant) throw notFound('tenant');
    const code = await setTenantCode(db, tenant.id, request.body.code, deps.now().toISOString());
    invalidateInboundCache(deps);
    await audit(db, null, actorOf(request), 'tenant.extension', tenant.id, { code: request.body.code });
    return { code };
  });

  app.get('/api/v1/service-numbers', {
    schema: {
      tags: ['inbound'], summary: 'The service numbers the tenant sends from and receives on, its extension codes, and its default sender address',
      response: { 200: z.object({ numbers: z.array(numberSchema), codes: z.array(codeSchema), sender: z.string().nullable() }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const [numbers, codes, sender] = await Promise.all([listServiceNumbers(db, tenantId), listCodes(db, tenantId), senderFor(db, tenantId)]);
    return { numbers, codes, sender };
  });

  app.put('/api/v1/campaigns/:id/extension', {
    schema: {
      tags: ['inbound'], summary: 'Set (or with null remove) a campaign\'s code, appended after the tenant code so replies are attributed to the campaign',
      params: z.object({ id: z.string() }), body: z.object({ code: z.string().regex(/^\d{1,6}$/).nullable() }), response: { 200: z.object({ code: codeSchema.nullable() }) },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const campaign = await db.selectFrom('campaigns').select('id').where('tenant_id', '=', tenantId).where('id', '=', request.params.id).executeTakeFirst();
    if (!campaign) throw notFound('campaign');
    const code = await setCampaignCode(db, tenantId, campaign.id, request.body.code, deps.now().toISOString());
    invalidateInboundCache(deps);
    await audit(db, tenantId, actorOf(request), 'campaign.extension', campaign.id, { code: request.body.code });
    return { code };
  });
}
