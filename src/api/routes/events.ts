import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { tenantOf } from '../plugins/auth.ts';
import { eventInputSchema, ingestEvents, maxEventsPerRequest } from '../../automations/events.ts';
import { eventCounts, listEvents } from '../../store/repos/events.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const resultSchema = z.object({ idempotencyKey: z.string(), id: z.string().nullable(), status: z.string(), detail: z.string().nullable(), occurrences: z.number() });
const reportSchema = z.object({ received: z.number(), counts: z.record(z.string(), z.number()), occurrences: z.number(), cancelled: z.number(), results: z.array(resultSchema) });
const eventSchema = z.object({
  id: z.string(), type: z.string(), idempotencyKey: z.string(), contactId: z.string().nullable(), phone: z.string().nullable(), externalId: z.string().nullable(),
  occurredAt: z.string(), data: z.record(z.string(), z.unknown()), status: z.string(), detail: z.string().nullable(), receivedAt: z.string(),
});

/** Events from enterprise systems that trigger automations: one or a batch per request, and the log of what became of them. */
export function eventRoutes(app: App, deps: Deps): void {
  const tags = ['automations'];

  const description = 'Every automation that is on with an event trigger of the type fires with `data` as {{event.<name>}}. The same idempotencyKey twice is one event (`duplicate`); statuses: accepted, duplicate, expired (past the automation\'s ttlHours), suppressed, unknown_contact, no_automation, applied (only cancelled pending steps), invalid_anchor.';

  app.post('/api/v1/events', {
    schema: { tags, summary: 'Post one event', description, body: eventInputSchema, response: { 202: reportSchema } },
    config: { permission: 'send' },
  }, async (request, reply) => reply.status(202).send(await ingestEvents(deps, tenantOf(request), [request.body])));

  app.post('/api/v1/events/batch', {
    schema: {
      tags, summary: `Post up to ${maxEventsPerRequest.toLocaleString('en')} events at once`, description,
      body: z.object({ events: z.array(eventInputSchema).min(1).max(maxEventsPerRequest) }).strict(), response: { 202: reportSchema },
    },
    bodyLimit: 32 * 1024 * 1024,
    // the report is built typed by ingestEvents: written as it is, without the zod copy of its 10,000 results first
    serializerCompiler: () => (report) => JSON.stringify(report),
    config: { permission: 'send' },
  }, async (request, reply) => reply.status(202).send(await ingestEvents(deps, tenantOf(request), request.body.events)));

  app.get('/api/v1/events', {
    schema: {
      tags, summary: 'The tenant\'s events, newest first, with counts by type and status over the last 7 days',
      querystring: z.object({ status: z.string().max(40).optional(), type: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), before: beforeQuery }),
      response: { 200: z.object({ events: z.array(eventSchema), next: nextField, counts: z.array(z.object({ type: z.string(), status: z.string(), n: z.number() })) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const events = await listEvents(deps.store.db, tenantId, request.query);
    return {
      events, next: nextCursor(events, request.query.limit, (e) => ({ at: e.receivedAt, id: e.id })),
      counts: await eventCounts(deps.store.db, tenantId, new Date(deps.now().getTime() - 7 * 86_400_000).toISOString()),
    };
  });
}
