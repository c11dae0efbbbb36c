import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings points (CLI over HTTP)', () => {
  let s: TestServer;
  let a: TestTenant;
  let url = '';
  const cli = (...args: string[]) => run(process.execPath, [bin, 'points', ...args], { env: { ...process.env, TIDINGS_URL: url, TIDINGS_API_KEY: a.key } });

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0]);
    a = await s.tenant();
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: a.headers, payload: { phone: '13900139077', name: '李四' } })).statusCode).toBe(201);
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => s?.close());

  it('credits once per key, debits, refuses an uncovered debit, shows the ledger', async () => {
    expect((await cli('credit', '13900139077', '--points', '120', '--idempotency-key', 'welcome', '--note', '开卡')).stdout).toContain('credit: +120; balance 120');
    expect((await cli('credit', '13900139077', '--points', '120', '--idempotency-key', 'welcome')).stdout).toContain('already recorded: +120; balance 120');
    expect((await cli('debit', '+86 139 0013 9077', '--points', '20', '--idempotency-key', 'd1')).stdout).toContain('balance 100');
    await expect(cli('debit', '13900139077', '--points', '500', '--idempotency-key', 'd2')).rejects.toMatchObject({ stderr: expect.stringContaining('does not cover') });
    const show = (await cli('show', '13900139077')).stdout;
    expect(show).toContain('balance 100');
    expect(show).toMatch(/credit\s+\+120\s+api:welcome/);
    expect((await cli('accounts')).stdout).toMatch(/\+8613900139077\s+李四\s+100/);
  }, 60_000);
});
