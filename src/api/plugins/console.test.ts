import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { App } from '../app.ts';
import { registerConsole } from './console.ts';
import { registerRequestLog } from './request-log.ts';
import { Metrics } from '../../metrics.ts';

const script = `console.log(${JSON.stringify('控制台'.repeat(2000))});`;
let dir: string;
let app: App;
const metrics = new Metrics();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tidings-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Tidings</title><script src="/assets/app-1.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app-1.js'), script);
  writeFileSync(path.join(dir, 'assets', 'app-1.js.br'), brotliCompressSync(script));
  writeFileSync(path.join(dir, 'assets', 'app-1.js.gz'), gzipSync(script));
  app = Fastify() as unknown as App;
  registerRequestLog(app, metrics);
  await registerConsole(app, dir);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serving the built console', () => {
  it('labels metrics by route pattern: every hashed file of the console counts under one label', async () => {
    for (const url of ['/assets/app-1.js', '/assets/app-1.js', '/assets/page-oldhash.js', '/campaigns/1', '/campaigns/2']) await app.inject({ method: 'GET', url });
    const routes = new Set((await metrics.httpRequests.get()).values.map((v) => String(v.labels.route)));
    expect([...routes].filter((r) => r.startsWith('/assets'))).toEqual(['/assets/*']);
    expect(routes.has('/assets/app-1.js')).toBe(false);
    expect([...routes].every((r) => !r.includes('campaigns/'))).toBe(true);
  });

  it('counts each request once under its route, method and status, and a request no route took under unmatched', async () => {
    // prom-client hands out its live series: read the counts before and after as numbers
    const count = async (route: string, status: number) => (await metrics.httpRequests.get()).values.find((v) => v.labels.route === route && v.labels.status === String(status) && v.labels.method === 'GET')?.value ?? 0;
    const [pages, unmatched] = [await count('/*', 200), await count('unmatched', 404)];
    for (const url of ['/campaigns/7', '/campaigns/8', '/api/v1/nothing', '/assets/gone.js']) await app.inject({ method: 'GET', url });
    expect(await count('/*', 200) - pages).toBe(2);
    expect(await count('unmatched', 404) - unmatched).toBe(2);
    const durations = (await metrics.httpDuration.get()).values.filter((v) => v.labels.route === 'unmatched' && v.metricName === 'tidings_http_request_seconds_count');
    expect(durations.reduce((sum, v) => sum + v.value, 0)).toBeGreaterThanOrEqual(2);
  });

  it('sends index.html with its security headers for the console\'s own routes, and leaves /api alone', async () => {
    for (const url of ['/', '/campaigns/0193', '/settings/general?x=1']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toContain('<title>Tidings</title>');
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/page-oldhash.js' })).statusCode).toBe(404);
  });

  it('sends a hashed asset compressed the way the browser accepts, cached for good, and plain to others', async () => {
    const br = await app.inject({ method: 'GET', url: '/assets/app-1.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(br.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    const gz = await app.inject({ method: 'GET', url: '/assets/app-1.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ method: 'GET', url: '/assets/app-1.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });
});
