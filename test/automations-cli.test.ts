import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { testDatabases } from './support/databases.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings event send and tidings automation', () => {
  let s: TestServer;
  let t: TestTenant;
  let url: string;
  let dir: string;
  let automation: string;

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0]);
    url = await s.app.listen({ port: 0, host: '127.0.0.1' });
    t = await s.tenant('cli-auto');
    dir = mkdtempSync(path.join(tmpdir(), 'tidings-events-'));
    for (const phone of ['13800000001', '13800000002']) await s.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: t.headers, payload: { phone } });
    const a = await s.app.inject({ method: 'POST', url: '/api/v1/automations', headers: t.headers, payload: { name: '续费', category: 'notification', trigger: { type: 'event', eventType: 'renewal_due', anchor: 'endsOn' }, steps: [{ offsetDays: -1, at: '10:00', text: '{{event.plan}} 将于 {{event.endsOn}} 到期' }] } });
    automation = a.json().id;
    await s.app.inject({ method: 'POST', url: `/api/v1/automations/${automation}/on`, headers: t.headers });
  });
  afterAll(async () => {
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => run(process.execPath, [bin, ...args, '--url', url, '--key', t.key], { timeout: 30_000 });

  it('posts a CSV of events in batches and reports what became of them', async () => {
    const file = path.join(dir, 'events.csv');
    writeFileSync(file, 'phone,idempotencyKey,plan,endsOn\n13800000001,k1,畅享,2099-01-10\n13800000001,k1,畅享,2099-01-10\n13800000009,k3,畅享,2099-01-10\n13800000002,k2,尊享,2099-02-01\n');
    const { stdout } = await cli('event', 'send', '--type', 'renewal_due', '--file', file);
    expect(stdout).toMatch(/4 event\(s\): 2 accepted, 1 duplicate, 1 unknown_contact; 2 message\(s\) scheduled/);
    const again = await cli('event', 'send', '--type', 'renewal_due', '--file', file, '--json');
    expect(JSON.parse(again.stdout).counts).toEqual({ duplicate: 4 });
    const { stdout: occ } = await cli('automation', 'occurrences', automation);
    expect(occ).toMatch(/2099-01-09T02:00:00.000Z\s+Asia\/Shanghai\s+\+8613800000001\s+pending/);
  });

  it('refuses a row without an idempotency key, naming its line, and sends nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'phone,idempotencyKey,plan\n13800000001,k9,畅享\n13800000002,,尊享\n');
    const err = await cli('event', 'send', '--type', 'renewal_due', '--file', file).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toMatch(/line 3: no idempotencyKey/);
    const events = (await s.app.inject({ url: '/api/v1/events?limit=100', headers: t.headers })).json().events;
    expect(events.some((e: { idempotencyKey: string }) => e.idempotencyKey === 'k9')).toBe(false);
  });
});
