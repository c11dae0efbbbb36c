import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { normalizeMoSender } from '../../domain/inbound.ts';
import { assignInboundTenant, getInbound, listInbound } from '../../store/repos/inbound.ts';
import { touchConversation } from '../../store/repos/conversations.ts';
import { findTenantBySlug } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';

/** An inbound message as the API returns it. */
export const inboundSchema = z.object({
  id: z.string(), tenantId: z.string().nullable(), campaignId: z.string().nullable(), contactId: z.string().nullable(), conversationId: z.string().nullable(),
  channel: z.string(), from: z.string(), rawFrom: z.string(), to: z.string(), text: z.string(), dataCoding: z.number(), parts: z.number(), incomplete: z.boolean(),
  attribution: z.string().describe('dedicated, extension, last_sender, manual, or none (the admin inbox)'),
  action: z.string().describe('opt_out, opt_in, help, rule, none, unattributed, or pending while being routed'),
  keyword: z.string().nullable(), ruleId: z.string().nullable(), replyMessageId: z.string().nullable(),
  replyStatus: z.string().nullable().describe('What became of the automatic reply: queued, excluded:<reason>, suppressed:<why>, error:<code>'),
  readAt: z.string().nullable(), receivedAt: z.string(),
  linkId: z.string().nullable().describe('点播 LinkID the gateway gave this MO (CMPP 3.0, SMGP); a reply to it carries it back. Null when none'),
});
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100), before: z.string().optional().describe('Id of the last message of the previous page'),
  phone: z.string().optional(), action: z.string().optional(), q: z.string().max(200).optional().describe('Text contains'),
});

/** Inbound (MO) messages of the tenant, and the platform admin inbox of unattributable ones. */
export function inboundRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const phoneOf = (p?: string) => (p ? normalizeMoSender(p).phone : undefined);

  app.get('/api/v1/inbound', {
    schema: { tags: ['inbound'], summary: 'Inbound messages, newest first', querystring: listQuery, response: { 200: z.object({ messages: z.array(inboundSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ messages: await listInbound(db, tenantOf(request), { ...request.query, phone: phoneOf(request.query.phone) }) }));

  app.get('/api/v1/inbound/:id', {
    schema: { tags: ['inbound'], summary: 'One inbound message', params: z.object({ id: z.string() }), response: { 200: inboundSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const m = await getInbound(db, tenantOf(request), request.params.id);
    if (!m) throw notFound('inbound message');
    return m;
  });

  app.get('/api/v1/admin/inbound', {
    schema: { tags: ['admin'], summary: 'The platform admin inbox: inbound messages no tenant could be found for', querystring: listQuery, response: { 200: z.object({ messages: z.array(inboundSchema) }) } },
    config: { permission: 'platform' },
  }, async (request) => ({ messages: await listInbound(db, null, { ...request.query, phone: phoneOf(request.query.phone) }) }));

  app.post('/api/v1/admin/inbound/:id/assign', {
    schema: {
      tags: ['admin'], summary: 'Hand an unattributed inbound message to a tenant (it appears in their inbox)',
      params: z.object({ id: z.string() }), body: z.object({ tenant: z.string().describe('Tenant slug') }), response: { 200: inboundSchema },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const m = await getInbound(db, null, request.params.id);
    if (!m) throw notFound('inbound message');
    const tenant = await findTenantBySlug(db, request.body.tenant);
    if (!tenant) throw notFound('tenant');
    const conversationId = await touchConversation(db, tenant.id, { phone: m.from, contactId: null, text: m.text, direction: 'in', at: m.receivedAt });
    await assignInboundTenant(db, m.id, tenant.id, conversationId);
    await audit(db, null, actorOf(request), 'inbound.assign', m.id, { tenant: tenant.slug });
    return (await getInbound(db, tenant.id, m.id))!;
  });
}
