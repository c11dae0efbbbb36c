import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { creditCode, pngProof } from './support/signatures.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings signature and tidings complaints (CLI over HTTP)', () => {
  let s: TestServer;
  let a: TestTenant;
  let platformKey = '';
  let url = '';
  const cli = (key: string, ...args: string[]) => run(process.execPath, [bin, ...args], { env: { ...process.env, TIDINGS_URL: url, TIDINGS_API_KEY: key } });

  beforeAll(async () => {
    s = await startTestServer(testDatabases[0]);
    a = await s.tenant();
    platformKey = await s.platformKey();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => s?.close());

  it('applies with a proof file, reviews as the platform, downloads the proof, and suspends and lifts marketing', async () => {
    const proof = path.join(s.config.dataDir, '营业执照.png');
    writeFileSync(proof, pngProof);
    const applied = JSON.parse((await cli(a.key, 'signature', 'apply', '好药房', '--company', '好药房连锁有限公司', '--licence', creditCode, '--proof', proof, '--json')).stdout);
    expect(applied).toMatchObject({ text: '【好药房】', status: 'pending', proof: { name: '营业执照.png', type: 'image/png' } });
    await expect(cli(a.key, 'signature', 'apply', '好药房', '--company', '好药房', '--licence', creditCode, '--proof', proof)).rejects.toMatchObject({ stderr: expect.stringContaining('conflict') });
    await expect(cli(a.key, 'signature', 'apply', '好', '--company', '好药房', '--licence', creditCode, '--proof', proof)).rejects.toMatchObject({ stderr: expect.stringContaining('2 to 12 characters') });
    await expect(cli(a.key, 'signature', 'apply', '好药房二', '--company', '好药房', '--licence', creditCode, '--proof', '/nonexistent.png')).rejects.toMatchObject({ stderr: expect.stringContaining('cannot read') });

    expect((await cli(platformKey, 'signature', 'review')).stdout).toContain('【好药房】');
    await expect(cli(platformKey, 'signature', 'reject', applied.id)).rejects.toMatchObject({ stderr: expect.stringContaining('--note') });
    expect((await cli(platformKey, 'signature', 'approve', applied.id, '--note', 'ok')).stdout).toContain('【好药房】 approved (now the tenant\'s default)');
    expect((await cli(a.key, 'signature', 'list')).stdout).toMatch(/【好药房】\s+approved \*default/);
    const out = path.join(s.config.dataDir, 'proof-copy.png');
    await cli(platformKey, 'signature', 'proof', applied.id, '--platform', '--out', out);
    expect(readFileSync(out).equals(pngProof)).toBe(true);

    expect((await cli(platformKey, 'complaints', 'suspend', a.slug, '--reason', '投诉率超标')).stdout).toContain('suspended');
    expect((await cli(a.key, 'complaints', 'stats')).stdout).toContain('MARKETING SUSPENDED');
    expect((await cli(platformKey, 'complaints', 'watch', '--above')).stdout).toContain(a.slug);
    expect((await cli(platformKey, 'complaints', 'lift', a.slug)).stdout).toContain('may go out again');
    expect((await cli(platformKey, 'complaints', 'policy', '--opt-out-rate', '0.05')).stdout).toContain('opt-outs 5%');
    await expect(cli(platformKey, 'complaints', 'policy', '--opt-out-rate', 'lots')).rejects.toMatchObject({ stderr: expect.stringContaining('optOutRate') });
  }, 60_000);
});
