// The published form of @tidings/sdk: `npm run build` makes dist/esm and dist/cjs; a CommonJS program require()s it and
// an ES module imports it (through the package's `exports` map, as a user's would), both talking to a real server;
// TypeScript programs of both kinds type-check against the built declarations.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';

const run = promisify(execFile);
const root = path.resolve('.');

/** A program using the SDK: sends under a key twice, reads the message back, verifies a webhook signature. */
const program = (load: string) => `${load}
const { createHmac } = require_('node:crypto');
(async () => {
  const t = new Tidings({ baseUrl: process.env.URL, apiKey: process.env.KEY });
  const a = await t.messages.send({ to: '13800138000', text: 'built' }, { idempotencyKey: process.env.IDEM });
  const b = await t.messages.send({ to: '13800138000', text: 'built' }, { idempotencyKey: process.env.IDEM });
  const m = await t.messages.get(a.messages[0].id);
  const body = JSON.stringify({ id: 'd1', event: 'webhook.test', createdAt: new Date().toISOString(), data: {} });
  const ts = Math.floor(Date.now() / 1000);
  const header = 't=' + ts + ',v1=' + createHmac('sha256', 'whsec_k').update(ts + '.' + body).digest('hex');
  let refused = false;
  try { verifyWebhook(body + ' ', header, 'whsec_k'); } catch (e) { refused = e instanceof WebhookVerificationError; }
  let error = null;
  try { await t.messages.get('nope'); } catch (e) { error = e instanceof TidingsError ? e.code : String(e); }
  console.log(JSON.stringify({ same: a.messages[0].id === b.messages[0].id, to: m.to, event: verifyWebhook(body, header, 'whsec_k').event, refused, error }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** A TypeScript user of the SDK: the built declarations must give these types (a wrong one fails tsc). */
const typed = (load: string) => `${load}
const t = new Tidings({ baseUrl: 'http://localhost:3000', apiKey: 'k', tenant: 'acme' });
export async function f(): Promise<string> {
  const sent: SendResult = await t.messages.send({ to: ['13800138000'], text: 'x' });
  for await (const c of t.campaigns.list({ pageSize: 10 })) if (c.status === 'running') return c.id;
  const e: WebhookEvent = verifyWebhook('{}', 't=1,v1=00', 's');
  return sent.messages[0].to + e.event;
}
`;

// the build does not depend on the database: one run, on the first of the suite's databases
describe('the built @tidings/sdk', () => {
  const database = testDatabases[0];
  let s: TestServer;
  let a: TestTenant;
  let url: string;
  // inside node_modules/.cache, so '@tidings/sdk' resolves from the repository's node_modules like an installed dependency
  mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(path.join(root, 'node_modules', '.cache', 'sdk-build-'));
  beforeAll(async () => {
    s = await startTestServer(database);
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    a = await s.tenant();
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds ESM and CJS outputs that a require() and an import load and use against the server, with their types', async () => {
    await run('npm', ['run', 'build', '--workspace', '@tidings/sdk'], { cwd: root, maxBuffer: 1 << 24 });
    const files = {
      cjs: program("const { Tidings, TidingsError, verifyWebhook, WebhookVerificationError } = require('@tidings/sdk'); const require_ = require;"),
      mjs: program("import { Tidings, TidingsError, verifyWebhook, WebhookVerificationError } from '@tidings/sdk'; import { createRequire } from 'node:module'; const require_ = createRequire(import.meta.url);"),
    };
    for (const [ext, text] of Object.entries(files)) {
      const file = path.join(dir, `use.${ext}`);
      writeFileSync(file, text);
      const { stdout } = await run(process.execPath, [file], { env: { ...process.env, URL: url, KEY: a.key, IDEM: `built-${ext}` }, cwd: dir });
      expect(JSON.parse(stdout)).toEqual({ same: true, to: '+8613800138000', event: 'webhook.test', refused: true, error: 'not_found' });
    }
    const head = 'Tidings, verifyWebhook, type SendResult, type WebhookEvent';
    writeFileSync(path.join(dir, 'typed.mts'), typed(`import { ${head} } from '@tidings/sdk';`));
    writeFileSync(path.join(dir, 'typed.cts'), typed(`import { ${head} } from '@tidings/sdk';`));
    writeFileSync(path.join(dir, 'wrong.mts'), "import { Tidings } from '@tidings/sdk';\nexport const p = new Tidings({ baseUrl: 'x', apiKey: 'k' }).messages.send({ to: 1 });\n");
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck'];
    await run(process.execPath, [tsc, ...flags, 'typed.mts', 'typed.cts'], { cwd: dir });
    const wrong = await run(process.execPath, [tsc, ...flags, 'wrong.mts'], { cwd: dir }).catch((e: { stdout: string }) => e);
    expect((wrong as { stdout: string }).stdout).toMatch(/wrong\.mts.*error TS2322/);
  }, 600_000);
});
