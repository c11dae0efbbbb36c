import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import type { Metrics } from '../../metrics.ts';

/** The route label of a request: its pattern; the console's hashed files share one label (they change every build). */
export function routeLabel(url: string | undefined): string {
  if (url === undefined) return 'unmatched';
  return url.startsWith('/assets/') ? '/assets/*' : url;
}

/**
 * What one route records per request: its metric series (by method and status) looked up once and kept, so a
 * request costs two metric updates and its log line, with no label hashing or per-request route lookups.
 */
function observer(metrics: Metrics, route: string): (request: FastifyRequest, reply: FastifyReply) => void {
  const byMethod = new Map<string, { duration: ReturnType<Metrics['httpDuration']['labels']>; byStatus: Map<number, ReturnType<Metrics['httpRequests']['labels']>> }>();
  const logged = route !== '/healthz' && route !== '/metrics';
  return (request, reply) => {
    const method = request.method;
    let series = byMethod.get(method);
    if (!series) byMethod.set(method, series = { duration: metrics.httpDuration.labels(method, route), byStatus: new Map() });
    const status = reply.statusCode;
    let count = series.byStatus.get(status);
    if (!count) series.byStatus.set(status, count = metrics.httpRequests.labels(method, route, String(status)));
    count.inc();
    series.duration.observe(reply.elapsedTime / 1000);
    if (logged) request.log.info({ method, route, status, ms: Math.round(reply.elapsedTime) }, 'request');
  };
}

/**
 * Logs one line per request (path without the query, which may hold phone numbers) and records metrics. Each route
 * gets its own onResponse hook with its labels worked out when it is registered; requests no route matched are
 * recorded by one shared hook under `unmatched`.
 */
export function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRoute', (route) => {
    const observe = observer(metrics, routeLabel(route.url));
    const hook: onResponseHookHandler = (request, reply, done) => { observe(request, reply); done(); };
    route.onResponse = route.onResponse === undefined ? [hook] : [...(Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse]), hook];
  });
  const unmatched = observer(metrics, routeLabel(undefined));
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) unmatched(request, reply);
    done();
  });
}
