import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings import and tidings contacts (CLI over HTTP)', () => {
  let s: TestServer;
  let a: TestTenant;
  let url = '';
  const cli = (...args: string[]) => run(process.execPath, [bin, ...args], { env: { ...process.env, TIDINGS_URL: url, TIDINGS_API_KEY: a.key } });

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0], { importMaxBytes: 4096 });
    a = await s.tenant();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => s?.close());

  it('imports a GBK file into a group, saves the rejected rows, then finds, counts, exports and erases', async () => {
    const file = path.join(s.config.dataDir, '客户.csv');
    writeFileSync(file, iconv.encode('姓名\t手机\n王五\t138 0013 8000\n李四\t1.38E+10\n王五\t+8613800138000\n赵六\t13900139000\n', 'gbk'));
    const report = path.join(s.config.dataDir, 'rejected.csv');
    const done = await cli('import', file, '--group', 'vip', '--tags', 'fair,2024', '--report', report);
    expect(done.stdout).toContain('4 rows, 2 imported, 0 updated, 1 duplicates, 1 invalid');
    expect(readFileSync(report, 'utf8')).toContain('3,scientific_notation');
    expect((await cli('contacts', 'find', '0086-138-0013-8000')).stdout).toMatch(/\+8613800138000\s+王五\s+China Mobile 北京 北京\s+tags: 2024,fair\s+groups: vip/);
    expect((await cli('contacts', 'count', 'group:vip', 'and', 'tag:fair')).stdout.trim()).toBe('2');
    const out = path.join(s.config.dataDir, 'vip.csv');
    await cli('contacts', 'export', '--group', 'vip', '--out', out);
    expect(readFileSync(out, 'utf8')).toContain("'+8613900139000,赵六");
    expect((await cli('contacts', 'erase', '13900139000')).stdout).toContain('erased and suppressed');
    await expect(cli('contacts', 'count', 'city', '=')).rejects.toMatchObject({ stderr: expect.stringContaining('position 7') });
  }, 180_000);

  it('refuses a file over the configured limit, naming the limit', async () => {
    const file = path.join(s.config.dataDir, 'big.csv');
    writeFileSync(file, '13800138000\n'.repeat(1000));
    await expect(cli('import', file)).rejects.toMatchObject({ stderr: expect.stringContaining('larger than the limit of 4.0 KB') });
  }, 180_000);
});
