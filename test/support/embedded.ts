// An embedded-mode node (`tidings start`: SQLite, the virtual carrier, the built console) on a free port with a
// fresh data directory, and Debian's Chromium to drive its console (never a downloaded browser).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';

/** The CLI entry point tests run. */
export const tidingsBin = path.resolve('bin/tidings.js');

/** Where browser tests leave their screenshots. */
export const screenshotDir = path.resolve('test-results');

/** A running embedded node and a browser. */
export interface EmbeddedConsole { url: string; env: NodeJS.ProcessEnv; browser: Browser; stop(): Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

/** Starts `tidings start` with the demo admin's password and waits for /healthz, then launches Chromium. */
export async function startEmbeddedConsole(name: string, adminPassword: string, startupMs = 90_000): Promise<EmbeddedConsole> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium is not installed at ${chromiumPath} (apt-get install chromium); never download a browser.`);
  mkdirSync(screenshotDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), `tidings-browser-${name}-`));
  const env = { ...process.env, TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_ADMIN_PASSWORD: adminPassword, TIDINGS_SIMULATOR_PORT: '0' };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [tidingsBin, 'start'], { env: { ...env, PORT: String(port), TIDINGS_HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  server.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + startupMs;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited ${server.exitCode}:\n${output}`);
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, env, browser, stop };
}
