import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from '../app.ts';
import { consoleDist } from '../../console-build.ts';

/** Paths that belong to the server, never to the console's client-side routes. */
const serverPaths = /^\/(api(\/|$)|healthz$|metrics$)/;

const headers = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

const notBuilt = '<!doctype html><meta charset="utf-8"><title>Tidings</title><p>The web console is not built. Run <code>npm run build:web</code> (or start the server where dev dependencies are installed) and reload. The API is at <a href="/api/docs">/api/docs</a>.</p>';

function page(reply: FastifyReply, html: string | Buffer): FastifyReply {
  return reply.headers({ ...headers, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(html);
}

/**
 * Serves the built console (web/dist) at `/`: hashed assets with long caching, and index.html for every
 * other GET path outside /api, /healthz and /metrics so the console's own routes survive a reload.
 */
export async function registerConsole(app: App, dist = consoleDist): Promise<void> {
  const indexFile = path.join(dist, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : null;
  if (index) {
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      // the build writes .br and .gz copies of its scripts and styles (web/vite.config.ts)
      preCompressed: true,
      setHeaders(reply, file) {
        reply.header('x-content-type-options', 'nosniff');
        reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0];
    // a hashed file that is not there (an open console from before an upgrade) is a 404, never the console's page
    if (serverPaths.test(url) || url.startsWith('/assets/')) return reply.callNotFound();
    return page(reply, index ?? notBuilt);
  });
}
