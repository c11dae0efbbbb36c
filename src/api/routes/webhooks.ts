import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { checkWebhookUrl } from '../../domain/webhooks.ts';
import { nonPublicHost } from '../../domain/addresses.ts';
import {
  createWebhook, deleteWebhook, enqueueDelivery, getWebhook, listDeliveries, listWebhooks, rotateWebhookSecret, updateWebhook,
} from '../../store/repos/webhooks.ts';
import { audit } from '../../store/repos/audit.ts';

const eventsSchema = z.union([z.literal('*'), z.array(z.string().min(1).max(100)).min(1).max(50)])
  .describe('Events to receive: "*" for all, or a list such as ["message.status","message.inbound"]');
const webhookSchema = z.object({ id: z.string(), url: z.string(), events: z.union([z.literal('*'), z.array(z.string())]), enabled: z.boolean(), createdAt: z.string() });
const createdSchema = webhookSchema.extend({ secret: z.string().describe('The signing secret: shown only in this response') });
const idParams = z.object({ id: z.string().min(1) });
const url = z.string().min(1).max(2000).superRefine((v, ctx) => {
  const problem = checkWebhookUrl(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `url ${problem}` });
});
const deliverySchema = z.object({
  id: z.string(), webhookId: z.string(), event: z.string(), status: z.string(), attempts: z.number(), nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(), lastError: z.string().nullable(), createdAt: z.string(), deliveredAt: z.string().nullable(),
  data: z.unknown(),
  log: z.array(z.object({ attempt: z.number(), at: z.string(), statusCode: z.number().nullable(), error: z.string().nullable(), durationMs: z.number() })),
});

/** Tenant webhooks: CRUD (secret shown once), the delivery log, and a test ping. */
export function webhookRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['webhooks'];
  /** Refuses a URL whose host is a loopback name or a non-public IP literal (names are checked again at delivery). */
  const refusePrivate = (target: string) => {
    const problem = deps.config.webhookAllowPrivate ? null : nonPublicHost(new URL(target).hostname);
    if (problem) throw new DomainError('invalid_request', `url ${problem}; webhook targets must be public unless TIDINGS_WEBHOOK_ALLOW_PRIVATE=true`, { field: 'url' });
  };

  app.get('/api/v1/webhooks', {
    schema: { tags, summary: 'List webhooks (never their secrets)', response: { 200: z.object({ webhooks: z.array(webhookSchema) }) } },
    config: { permission: 'manage' },
  }, async (request) => ({ webhooks: await listWebhooks(db, tenantOf(request)) }));

  app.post('/api/v1/webhooks', {
    schema: {
      tags, summary: 'Create a webhook; its signing secret is in this response only',
      description: 'Each delivery is a POST of `{"id","event","createdAt","data"}` with `X-Tidings-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, `X-Tidings-Event` and `X-Tidings-Delivery`. Non-2xx answers are retried with backoff (10 s … 6 h).',
      body: z.object({ url, events: eventsSchema.default(['message.status', 'message.inbound']), enabled: z.boolean().default(true) }),
      response: { 201: createdSchema },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    refusePrivate(request.body.url);
    const { webhook, secret } = await createWebhook(db, tenantId, request.body, deps.now().toISOString());
    await audit(db, tenantId, actorOf(request), 'webhook.create', webhook.id, { url: webhook.url, events: webhook.events });
    return reply.status(201).send({ ...webhook, secret });
  });

  app.get('/api/v1/webhooks/:id', {
    schema: { tags, summary: 'A webhook', params: idParams, response: { 200: webhookSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const hook = await getWebhook(db, tenantOf(request), request.params.id);
    if (!hook) throw notFound('webhook');
    return hook;
  });

  app.patch('/api/v1/webhooks/:id', {
    schema: {
      tags, summary: 'Change a webhook\'s URL, events or enabled state', params: idParams,
      body: z.object({ url: url.optional(), events: eventsSchema.optional(), enabled: z.boolean().optional() }), response: { 200: webhookSchema },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (request.body.url) refusePrivate(request.body.url);
    const hook = await updateWebhook(db, tenantId, request.params.id, request.body);
    if (!hook) throw notFound('webhook');
    await audit(db, tenantId, actorOf(request), 'webhook.update', hook.id, request.body);
    return hook;
  });

  app.post('/api/v1/webhooks/:id/rotate-secret', {
    schema: { tags, summary: 'Replace the signing secret; the new one is in this response only', params: idParams, response: { 200: z.object({ id: z.string(), secret: z.string() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const secret = await rotateWebhookSecret(db, tenantId, request.params.id);
    if (!secret) throw notFound('webhook');
    await audit(db, tenantId, actorOf(request), 'webhook.rotate_secret', request.params.id);
    return { id: request.params.id, secret };
  });

  app.delete('/api/v1/webhooks/:id', {
    schema: { tags, summary: 'Delete a webhook and its delivery log', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteWebhook(db, tenantId, request.params.id)) throw notFound('webhook');
    await audit(db, tenantId, actorOf(request), 'webhook.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });

  app.get('/api/v1/webhooks/:id/deliveries', {
    schema: {
      tags, summary: 'The delivery log: events sent to this webhook, newest first, each with every attempt', params: idParams,
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50), before: z.string().optional(),
        status: z.enum(['pending', 'delivered', 'failed']).optional(),
      }),
      response: { 200: z.object({ deliveries: z.array(deliverySchema) }) },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await getWebhook(db, tenantId, request.params.id)) throw notFound('webhook');
    const deliveries = await listDeliveries(db, tenantId, request.params.id, request.query);
    return { deliveries: deliveries.map((d) => ({ ...d, data: d.data ?? null, log: d.log ?? [] })) };
  });

  app.post('/api/v1/webhooks/:id/test', {
    schema: { tags, summary: 'Queue a `webhook.test` event to this webhook (even if it is not subscribed to it)', params: idParams, response: { 202: z.object({ deliveryId: z.string() }) } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const hook = await getWebhook(db, tenantId, request.params.id);
    if (!hook) throw notFound('webhook');
    if (!hook.enabled) throw new DomainError('conflict', 'the webhook is disabled');
    const deliveryId = await enqueueDelivery(db, tenantId, hook.id, 'webhook.test', { webhookId: hook.id, message: 'Tidings webhook test' }, deps.now());
    return reply.status(202).send({ deliveryId });
  });
}
