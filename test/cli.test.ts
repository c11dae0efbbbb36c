import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

describe('tidings CLI against a started server (SQLite)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-cli-'));
  const env = { ...process.env, TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_SIMULATOR: 'false', TIDINGS_ADMIN_PASSWORD: 'first-start-pw', PORT: '0' };
  let server: ChildProcess;
  let url = '';
  let output = '';

  beforeAll(async () => {
    server = spawn(process.execPath, [bin, 'start', '--role', 'all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 40_000);
      server.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /"url":"(http:\/\/localhost:\d+)"/.exec(output);
        if (m && output.includes('API docs')) { url = m[1]; clearTimeout(timer); resolve(); }
      });
      server.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
      server.on('exit', (code) => reject(new Error(`server exited ${code}:\n${output}`)));
    });
  }, 60_000);
  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => server?.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints how to sign in on first start and answers /healthz', async () => {
    expect(output).toContain('admin@tidings.local');
    expect(output).toContain('TIDINGS_ADMIN_PASSWORD');
    expect(output).not.toContain('first-start-pw');
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('apikey create prints only a working key; revoked it gets 401', async () => {
    const { stdout } = await run(process.execPath, [bin, 'apikey', 'create', '--tenant', 'demo'], { env });
    const key = stdout.trim();
    expect(key).toMatch(/^tdg_[A-Za-z0-9]{8}_\S+$/);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const ok = await fetch(`${url}/api/v1/tenant`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await ok.json()) as { slug: string }).slug).toBe('demo');
    await run(process.execPath, [bin, 'apikey', 'revoke', key.slice(0, 12), '--tenant', 'demo'], { env });
    expect((await fetch(`${url}/api/v1/tenant`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  }, 120_000);

  it('creates tenants and users, and explains bad input', async () => {
    await run(process.execPath, [bin, 'tenant', 'create', 'acme', '--name', 'Acme'], { env });
    const { stdout } = await run(process.execPath, [bin, 'user', 'create', '--tenant', 'acme', '--email', 'ops@acme.test', '--role', 'operator'], { env });
    expect(stdout).toMatch(/password: \S{8,}/);
    await expect(run(process.execPath, [bin, 'tenant', 'create', 'acme'], { env })).rejects.toMatchObject({ stderr: expect.stringContaining('already exists') });
    await expect(run(process.execPath, [bin, 'apikey', 'create', '--tenant', 'nope'], { env })).rejects.toMatchObject({ stderr: expect.stringContaining(`tenant "nope" not found in the database at ${path.join(env.TIDINGS_DATA_DIR!, 'tidings.db')}`) });
    // a command pointed at a directory without a database says so, naming the setting
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'tidings-nodb-'));
    await expect(run(process.execPath, [bin, 'apikey', 'list', '--tenant', 'demo'], { env: { ...env, TIDINGS_DATA_DIR: elsewhere } }))
      .rejects.toMatchObject({ stderr: expect.stringMatching(/no database at .*a new, empty one was created.*TIDINGS_DATA_DIR[\s\S]*tenant "demo" not found/) });
    const listed = await run(process.execPath, [bin, 'apikey', 'list', '--platform'], { env });
    expect(listed.stdout.split('\n')[0]).toBe('prefix\trole\tcreated\tlast used\tstate\tname');
    await expect(run(process.execPath, [bin, 'migrate'], { env: { ...env, TIDINGS_ROLE: 'boss' } })).rejects.toMatchObject({ stderr: expect.stringContaining('TIDINGS_ROLE') });
    const help = await run(process.execPath, [bin, 'apikey', 'create', '--help'], { env });
    expect(help.stdout).toContain('--platform');
  }, 180_000);
});
