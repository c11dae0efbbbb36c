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

describe('tidings service (CLI over HTTP)', () => {
  let s: TestServer;
  let a: TestTenant;
  let url = '';
  let id = '';
  const cli = (...args: string[]) => run(process.execPath, [bin, 'service', ...args], { env: { ...process.env, TIDINGS_URL: url, TIDINGS_API_KEY: a.key } });

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0]);
    a = await s.tenant();
    await createServiceNumber(s.deps.store.db, { number: '10690009' }, new Date().toISOString());
    await setTenantCode(s.deps.store.db, a.id, '7', new Date().toISOString());
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/services', headers: a.headers, payload: { type: 'poll', name: '午餐', keywords: ['午餐'], config: { question: '吃什么？', options: [{ name: '面' }, { name: '饭' }] } } });
    id = created.json().id;
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => s?.close());

  it('lists, opens, shows results after a vote, exports, closes', async () => {
    expect((await cli('list')).stdout).toMatch(/poll\s+draft\s+v1\s+\*\s+午餐/);
    expect((await cli('open', id)).stdout).toContain('live');
    await handleInbound(s.deps, 'ch', { channel: 'sim', from: '8613900139000', to: '106900097', text: '午餐2', receivedAt: new Date(), dataCoding: 8, parts: 1 });
    const results = JSON.parse((await cli('results', id, '--json')).stdout);
    expect(results.view.options.map((o: { votes: number }) => o.votes)).toEqual([0, 1]);
    expect((await cli('show', id)).stdout).toContain('吃什么？');
    const out = path.join(s.config.dataDir, 'poll.csv');
    await cli('export', id, '--out', out);
    expect(readFileSync(out, 'utf8')).toContain('+8613900139000');
    expect((await cli('close', id)).stdout).toContain('closed');
    await expect(cli('close', id)).rejects.toMatchObject({ stderr: expect.stringContaining('not live') });
  }, 60_000);
});
