// `tidings smpp-accounts …` over HTTP against a running server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings smpp-accounts (CLI over HTTP)', () => {
  let s: TestServer;
  let a: TestTenant;
  let url = '';
  const cli = (...args: string[]) => run(process.execPath, [bin, 'smpp-accounts', ...args], { env: { ...process.env, TIDINGS_URL: url, TIDINGS_API_KEY: a.key } });

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0]);
    a = await s.tenant();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => s?.close());

  it('creates, lists, updates and deletes an account; a bad flag value is a clear error', async () => {
    const created = JSON.parse((await cli('create', 'reseller1', '--password', 'abcd1234', '--bind', 'transceiver', '--tps', '20', '--ip', '10.0.0.0/8', '--json')).stdout);
    expect(created).toMatchObject({ systemId: 'reseller1', bindTypes: ['transceiver'], tps: 20, ipAllowlist: ['10.0.0.0/8'] });
    expect((await cli('list')).stdout).toMatch(/reseller1\s+transceiver\s+2\s+20/);
    expect((await cli('update', created.id, '--disabled', '--window', '5')).stdout).toContain('updated');
    const shown = (await s.app.inject({ url: `/api/v1/smpp-accounts/${created.id}`, headers: a.headers })).json();
    expect(shown).toMatchObject({ enabled: false, window: 5, sessions: [] });
    await expect(cli('create', 'reseller2', '--password', 'short')).rejects.toMatchObject({ stderr: expect.stringContaining('password') });
    expect((await cli('delete', created.id)).stdout).toContain('deleted');
  }, 120_000);
});
