import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { handleInbound } from '../src/worker/inbound.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings inbox (CLI over HTTP)', () => {
  let s: TestServer;
  let a: TestTenant;
  let url = '';
  const cli = (...args: string[]) => run(process.execPath, [bin, 'inbox', ...args], { env: { ...process.env, TIDINGS_URL: url, TIDINGS_API_KEY: a.key } });

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0]);
    a = await s.tenant();
    await createServiceNumber(s.deps.store.db, { number: '10690009' }, new Date().toISOString());
    await setTenantCode(s.deps.store.db, a.id, '7', new Date().toISOString());
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    await handleInbound(s.deps, 'ch', { channel: 'sim', from: '8613900139000', to: '106900097', text: '+SUM(1) where is my parcel?', receivedAt: new Date(), dataCoding: 0, parts: 1 });
  }, 30_000);
  afterAll(async () => s?.close());

  it('lists, shows, marks read, lists inbound and exports', async () => {
    const list = await cli('list', '--unread');
    expect(list.stdout).toContain('+8613900139000');
    expect(list.stdout).toContain('[1 new]');
    const id = /^(\S+)\s+\+8613900139000/m.exec(list.stdout)![1];
    const show = JSON.parse((await cli('show', id, '--json')).stdout);
    expect(show.messages[0]).toMatchObject({ direction: 'in', text: '+SUM(1) where is my parcel?' });
    expect((await cli('read', id)).stdout).toContain('read');
    expect((await cli('list', '--unread')).stdout).not.toContain('+8613900139000');
    expect((await cli('inbound', '--phone', '13900139000')).stdout).toContain('where is my parcel');
    const out = path.join(s.config.dataDir, 'inbox.csv');
    await cli('export', '--out', out);
    expect(readFileSync(out, 'utf8')).toContain("'+SUM(1) where is my parcel?");
  }, 60_000);

  it('fails clearly without a server or with a bad key', async () => {
    await expect(run(process.execPath, [bin, 'inbox', 'list'], { env: { ...process.env, TIDINGS_URL: '', TIDINGS_API_KEY: '' } })).rejects.toMatchObject({ stderr: expect.stringContaining('--url') });
    await expect(run(process.execPath, [bin, 'inbox', 'list', '--url', url, '--key', 'tdg_AAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'], { env: process.env })).rejects.toMatchObject({ stderr: expect.stringContaining('invalid API key') });
  }, 60_000);
});
