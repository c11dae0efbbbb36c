import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics.ts';

/** The route label of a request: its pattern; the console's hashed files share one label (they change every build). */
export function routeLabel(url: string | undefined): string {
  if (url === undefined) return 'unmatched';
  return url.startsWith('/assets/') ? '/assets/*' : url;
}

/** Logs one line per request (path without the query, which may hold phone numbers) and records metrics. */
export function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request.routeOptions.url);
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
    if (route === '/healthz' || route === '/metrics') return;
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
