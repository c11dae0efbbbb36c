import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Spawns the CLI and resolves once its output matches, with the match and the output so far. */
function spawnUntil(args: string[], env: NodeJS.ProcessEnv, pattern: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in time:\n${output}`)), timeoutMs);
    const check = (d: Buffer) => {
      output += d.toString();
      const match = pattern.exec(output);
      if (match) { clearTimeout(timer); resolve({ child, match, output: () => output }); }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}:\n${output}`)); });
  });
}

async function stop(child: ChildProcess | undefined): Promise<number | null> {
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('tidings send / campaign against a started embedded server', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-cli-send-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env, TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_SIMULATOR: 'true', TIDINGS_SIMULATOR_PORT: '0',
    TIDINGS_ADMIN_PASSWORD: 'cli-send-pw', TIDINGS_LOG_LEVEL: 'warn', TIDINGS_URL: '', TIDINGS_API_KEY: '',
  };
  let server: ChildProcess | undefined;
  let clientEnv: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => run(process.execPath, [bin, ...args], { env: clientEnv });

  beforeAll(async () => {
    const port = await freePort();
    env.PORT = String(port);
    ({ child: server } = await spawnUntil(['start'], env, /API docs/, 70_000));
    const key = (await run(process.execPath, [bin, 'apikey', 'create', '--tenant', 'demo'], { env })).stdout.trim();
    clientEnv = { ...env, TIDINGS_URL: `http://127.0.0.1:${port}`, TIDINGS_API_KEY: key };
  }, 80_000);
  afterAll(async () => {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('send --wait queues, reports exclusions and waits for final statuses from the virtual carrier', async () => {
    const { stdout } = await cli('send', '--to', '13800138000,13800138001', '--to', '13800138000', '--to', '12', '--text', 'Your code is {{code}}', '--data', '{"code":"4711"}', '--category', 'verification', '--wait', '--timeout', '30');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\S+\s+\+8613800138000\s+(delivered|undelivered|expired)\s+1/);
    expect(lines[1]).toMatch(/^\S+\s+\+8613800138001\s+(delivered|undelivered|expired)\s+1/);
    expect(lines[2]).toMatch(/^-\s+\+8613800138000\s+excluded\s+0\s+duplicate$/);
    expect(lines[3]).toMatch(/^\S+\s+12\s+excluded\s+0\s+invalid_number$/);
    expect(stdout).toContain('delivered');
    const id = lines[0].split(/\s+/)[0];
    const message = await (await fetch(`${clientEnv.TIDINGS_URL}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${clientEnv.TIDINGS_API_KEY}` } })).json() as { text: string; channel: string };
    expect(message.text).toContain('Your code is 4711');
    expect(message.channel).toBe('virtual');
  }, 60_000);

  it('campaign create / preflight / start / status --watch / list / export', async () => {
    const file = path.join(dataDir, 'audience.csv');
    writeFileSync(file, 'phone,name\n13800138010,Ann\n13800138011,Bob\n13800138012,Cy\nnot-a-number,Dee\n');
    const id = (await cli('campaign', 'create', '--name', 'cli campaign', '--numbers-file', file, '--text', 'Hello {{name}}', '--category', 'notification', '--window', '00:00-24:00', '--cap', '5/1d')).stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const pre = (await cli('campaign', 'preflight', id)).stdout;
    expect(pre).toMatch(/recipients\s+4/);
    expect(pre).toMatch(/to send\s+3/);
    expect(pre).toMatch(/invalid_number\s+1/);
    expect(pre).toMatch(/cost\s+\d+/);
    expect(pre).toMatch(/balance\s+\d+/);
    expect((await cli('campaign', 'start', id, '--yes')).stdout).toContain(`${id}  running`);
    const status = await cli('campaign', 'status', id, '--watch', '--interval', '200');
    expect(status.stderr).toMatch(/100% \| 4\/4/);
    expect(status.stdout).toContain(`${id}  completed`);
    expect(status.stdout).toMatch(/total\s+4\s+excluded\s+1\s+queued\s+0/);
    expect(status.stdout).toContain('excluded by reason: invalid_number 1');
    const out = path.join(dataDir, 'campaign.csv');
    const [list] = await Promise.all([
      cli('campaign', 'list'),
      cli('campaign', 'export', id, '--format', 'csv', '--out', out),
      expect(cli('campaign', 'start', id, '--yes')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('conflict (HTTP 409): cannot start a campaign that is completed') }),
    ]);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+completed\\s+notification`));
    const csv = readFileSync(out, 'utf8');
    expect(csv).toContain('Hello Ann');
    expect(csv).toContain('Hello Cy');
  }, 80_000);

  it('prints API errors with their code and exits non-zero', async () => {
    const bad = run(process.execPath, [bin, 'send', '--to', '13800138000', '--text', 'hi', '--key', 'tdg_AAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'], { env: clientEnv });
    await Promise.all([
      expect(bad).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/unauthenticated \(HTTP 401\): .*API key/) }),
      expect(cli('campaign', 'status', 'no-such-campaign')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('not_found (HTTP 404): campaign not found') }),
      expect(cli('send', '--to', '13800138000')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('give exactly one of --text or --template') }),
    ]);
  }, 45_000);
});

describe('tidings simulator', () => {
  it('runs the virtual carrier in the foreground, answers GET /stats and stops on SIGTERM', async () => {
    const { child, match, output } = await spawnUntil(['simulator', '--port', '0', '--control-port', '0'], { ...process.env }, /control port (\d+)/, 30_000);
    try {
      expect(output()).toMatch(/SMPP port \d+/);
      const stats = await (await fetch(`http://127.0.0.1:${match[1]}/stats`)).json() as { submits: number; bound: number };
      expect(stats).toMatchObject({ submits: 0, bound: 0 });
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 40_000);
});
