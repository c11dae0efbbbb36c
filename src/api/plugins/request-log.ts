import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';

/** Logs one line per request (path without the query, which may hold phone numbers) and records metrics. */
export function registerRequestLog(app: FastifyInstance, deps: Deps): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    deps.metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    deps.metrics.httpDuration.observe({ method: request.method, route }, seconds);
    if (route === '/healthz' || route === '/metrics') return;
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
