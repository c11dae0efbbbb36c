import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { spawnNode, tidings, type SpawnedNode } from './support/node.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

/** Holds a port on all addresses, as another program would. */
async function occupy(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

async function signIn(url: string, email: string, password: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return res.status;
}

describe('first start never locks anyone out (SQLite, real processes)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-first-'));
  // No TIDINGS_ADMIN_PASSWORD: the passwords are generated and shown once.
  const env: NodeJS.ProcessEnv = { ...process.env, TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_ADMIN_PASSWORD: '', TIDINGS_LOG_LEVEL: 'warn', PORT: '0', TIDINGS_SIMULATOR_PORT: '0' };
  let busy: { port: number; close(): Promise<void> };
  let node: SpawnedNode | undefined;

  beforeAll(async () => { busy = await occupy(); });
  afterAll(async () => {
    await node?.stop();
    await busy?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const setting of ['PORT', 'TIDINGS_SIMULATOR_PORT']) {
    it(`a taken ${setting} stops the start before anything is created, and says which setting to change`, async () => {
      const failed = await run(process.execPath, [bin, 'start'], { env: { ...env, [setting]: String(busy.port) }, timeout: 30_000 }).then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
      expect(failed, 'the start must fail').not.toBeNull();
      expect(failed!.code).toBe(1);
      expect(failed!.stderr).toContain(`port ${busy.port} is already in use`);
      expect(failed!.stderr).toContain(`set ${setting} to a free port`);
      expect(failed!.stderr).not.toMatch(/\n\s+at /);
      expect(failed!.stdout).not.toContain('Tidings is ready');
      // Nobody was created: a later start is still the first one.
      await expect(tidings(env, 'user', 'reset-password', '--email', 'admin@tidings.local')).rejects.toMatchObject({ stderr: expect.stringContaining('no user has the email admin@tidings.local') });
    }, 60_000);
  }

  it('then starts, shows two different generated passwords once, and reset-password gives a working new one', async () => {
    node = await spawnNode(env);
    const out = node.output();
    const admin = /Admin password: (\S+)/.exec(out)?.[1];
    const demo = /Demo password:\s+(\S+)/.exec(out)?.[1];
    expect(admin && demo).toBeTruthy();
    expect(admin).not.toBe(demo);
    expect(out).toContain('tidings user reset-password --email');
    expect(await signIn(node.url, 'admin@tidings.local', admin!)).toBe(200);
    expect(await signIn(node.url, 'demo@tidings.local', demo!)).toBe(200);
    expect(await signIn(node.url, 'demo@tidings.local', admin!)).toBe(401);

    const printed = await node.cli('user', 'reset-password', '--email', 'demo@tidings.local');
    const fresh = /^password: (\S+)$/m.exec(printed)?.[1];
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(demo);
    expect(await signIn(node.url, 'demo@tidings.local', demo!)).toBe(401);
    expect(await signIn(node.url, 'demo@tidings.local', fresh!)).toBe(200);
    await expect(node.cli('user', 'reset-password', '--email', 'demo@tidings.local', '--password', 'short')).rejects.toMatchObject({ stderr: expect.stringContaining('at least 8') });

    const key = (await node.cli('apikey', 'create', '--tenant', 'demo')).trim();
    const audit = await (await fetch(`${node.url}/api/v1/audit`, { headers: { authorization: `Bearer ${key}` } })).json() as { entries: { action: string; actorType?: string }[] };
    expect(audit.entries.map((e) => e.action)).toContain('user.reset_password');
    expect(JSON.stringify(audit)).not.toContain(fresh!);

    // A second start is not a first start: nothing is printed again.
    await node.stop();
    node = await spawnNode(env);
    expect(node.output()).not.toContain('Tidings is ready');
  }, 120_000);
});
