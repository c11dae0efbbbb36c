import { sql } from 'kysely';
import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';

/** `GET /healthz` (checks the database) and `GET /metrics` (Prometheus). */
export function healthRoutes(app: App, deps: Deps): void {
  app.get('/healthz', {
    schema: { hide: true, response: { 200: z.object({ status: z.literal('ok'), database: z.string() }), 503: z.object({ status: z.literal('down'), database: z.string(), reason: z.string() }) } },
    config: { permission: 'public' },
  }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.store.db);
      return reply.send({ status: 'ok' as const, database: deps.store.dialect });
    } catch (e) {
      // The error text may name hosts or users: it goes to the log, not to this public endpoint.
      deps.log.error({ err: e }, 'health check: the database does not answer');
      return reply.status(503).send({ status: 'down' as const, database: deps.store.dialect, reason: 'the database does not answer' });
    }
  });
  app.get('/metrics', { schema: { hide: true }, config: { permission: 'public' } }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
