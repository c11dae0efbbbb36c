import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import type { Lookups } from '../lookups.ts';
import type { SendBatcher } from '../send-batcher.ts';
import type { QueuedMessage } from '../../worker/outbox.ts';
import { tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { categories, checkContent, type Category } from '../../domain/templates.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { getMessage, listMessages, messageLog } from '../../store/repos/messages.ts';
import { getTemplateForSending } from '../../store/repos/templates.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { checkSignatures } from '../../store/repos/signatures.ts';
import { checkMarketing } from '../../store/repos/complaints.ts';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '../../store/repos/idempotency.ts';

/** A message as the API shows it (DESIGN §5). */
export const messageSchema = z.object({
  id: z.string(), to: z.string(), status: z.string(), reason: z.string().nullable(), segments: z.number(), price: z.string(),
  channel: z.string().nullable(), carrierMessageId: z.string().nullable(), carrierStat: z.string().nullable(), carrierErr: z.string().nullable(),
  error: z.string().nullable(), campaignId: z.string().nullable(), category: z.string(), text: z.string(), resubmitted: z.number(),
  createdAt: z.string(), notBefore: z.string().nullable(), submittedAt: z.string().nullable(), doneAt: z.string().nullable(),
  linkId: z.string().nullable().describe('点播 LinkID: the gateway\'s LinkID of the MO this message answers, carried back in its CMPP 3.0 / SMGP submit; null when none'),
});

const sendBody = z.object({
  to: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(10_000)]),
  text: z.string().min(1).max(2000).optional(),
  templateId: z.string().min(1).optional(),
  data: z.record(z.string(), z.unknown()).optional().describe('values for the template variables'),
  category: z.enum(categories as [Category, ...Category[]]).optional().describe('default: the template\'s, else notification'),
  channel: z.string().min(1).optional(),
  scheduleAt: z.string().datetime({ offset: true }).optional(),
}).strict().refine((b) => !!b.text !== !!b.templateId, 'give exactly one of text or templateId');

const sentBody = (messages: QueuedMessage[]) => ({ messages: messages.map((m) => ({ ...m, id: m.id || null })) });
const sentSchema = z.object({ messages: z.array(z.object({ id: z.string().nullable(), to: z.string(), status: z.string(), segments: z.number(), reason: z.string().nullable() })) });

/** `POST /api/v1/messages` (one or many recipients, Idempotency-Key), `GET /api/v1/messages[/:id[/log]]`. */
export function messageRoutes(app: App, deps: Deps, lookups: Lookups, sends: SendBatcher): void {
  const db = deps.store.db;

  app.post('/api/v1/messages', {
    schema: {
      tags: ['messages'], summary: 'Send a text to one or many numbers (up to 10,000); honours Idempotency-Key',
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
      body: sendBody, response: { 202: sentSchema },
    },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const key = request.headers['idempotency-key'] as string | undefined;
    const hash = key ? createHash('sha256').update(JSON.stringify(request.body)).digest('hex') : '';
    if (key) {
      const seen = await claimIdempotencyKey(db, tenantId, key, hash, deps.now().toISOString());
      if (seen) {
        if (seen.requestHash !== hash) throw new DomainError('conflict', 'this Idempotency-Key was used with a different request body');
        if (seen.statusCode === 0) throw new DomainError('conflict', 'a request with this Idempotency-Key is still in progress');
        reply.header('idempotent-replayed', 'true');
        return reply.status(seen.statusCode as 202).send(JSON.parse(seen.response));
      }
    }
    try {
      const b = request.body;
      const tenant = await lookups.tenant(tenantId);
      if (!tenant) throw notFound('tenant');
      const template = b.templateId ? await getTemplateForSending(db, tenantId, b.templateId) : undefined;
      const category = b.category ?? template?.category ?? 'notification';
      checkContent(category, template, tenant.settings);
      await checkMarketing(db, tenantId, category);
      await checkSignatures(db, tenantId, tenant.settings.signature, [template?.text ?? b.text]);
      const to = typeof b.to === 'string' ? [b.to] : b.to;
      const messages = await sends.send({
        tenant, recipients: to.map((phone) => ({ phone, vars: b.data })), text: template?.text ?? b.text!,
        category, channel: b.channel ?? null,
        notBefore: b.scheduleAt ? new Date(b.scheduleAt) : null,
        // The key's answer is stored with the messages, so a stored send is never left "in progress".
        also: key ? (trx, queued) => completeIdempotencyKey(trx, tenantId, key, 202, JSON.stringify(sentBody(queued))) : undefined,
      });
      return reply.status(202).send(sentBody(messages));
    } catch (err) {
      if (key) await releaseIdempotencyKey(db, tenantId, key);
      throw err;
    }
  });

  app.get('/api/v1/messages', {
    schema: {
      tags: ['messages'], summary: 'The message log, newest first; filter by number (any format), status or campaign',
      querystring: z.object({ phone: z.string().optional(), status: z.string().optional(), campaignId: z.string().optional(), before: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: z.object({ messages: z.array(messageSchema), next: z.string().nullable() }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const q = request.query;
    let phone: string | undefined;
    if (q.phone) {
      const tenant = await findTenant(db, tenantId);
      const n = normalizePhone(q.phone, (tenant?.settings.defaultCountry as CountryCode | undefined) ?? 'CN');
      if (!n.ok) throw new DomainError('invalid_request', `phone: ${n.detail}`, { field: 'phone' });
      phone = n.e164;
    }
    const messages = await listMessages(db, tenantId, { ...q, phone });
    return { messages, next: messages.length === q.limit ? messages[messages.length - 1].id : null };
  });

  app.get('/api/v1/messages/:id', {
    schema: { tags: ['messages'], summary: 'One message and its status', params: z.object({ id: z.string() }), response: { 200: messageSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const m = await getMessage(db, tenantOf(request), request.params.id);
    if (!m) throw notFound('message');
    return m;
  });

  app.get('/api/v1/messages/:id/log', {
    schema: { tags: ['messages'], summary: 'The carrier log of a message (PDU summaries, secrets redacted)', params: z.object({ id: z.string() }), response: { 200: z.object({ entries: z.array(z.object({ at: z.string(), direction: z.string(), summary: z.string() })) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const m = await getMessage(db, tenantOf(request), request.params.id);
    if (!m) throw notFound('message');
    return { entries: await messageLog(db, m.id) };
  });
}
