// The console in a real browser: a server in embedded mode on a free port (fresh data directory) and Debian's
// Chromium driven by playwright-core, with pages that sign in and save a screenshot where a test failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';
/** The password of the platform admin and the demo owner on the test server. */
export const consolePassword = 'browser-test-pw';
/** Where screenshots go. */
export const shots = path.resolve('test-results');

/** A running server with a browser; `stop` ends both and removes the data directory. */
export interface TestConsole {
  url: string;
  /** Runs `fn` on a page of a fresh context; on failure saves `<name>-failure.png`. */
  withPage(name: string, options: BrowserContextOptions, fn: (page: Page) => Promise<void>): Promise<void>;
  /** Signs in as `email` in the Chinese console. */
  signIn(page: Page, email: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (server.exitCode === null) server.kill('SIGKILL');
}

/** Starts `tidings start` (run `npx vite build web` first) and Chromium; throws when Chromium is not installed. */
export async function startConsole(): Promise<TestConsole> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium is not installed at ${chromiumPath} (apt-get install chromium); never download a browser.`);
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), TIDINGS_HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_ADMIN_PASSWORD: consolePassword, TIDINGS_SIMULATOR_PORT: '0' };
  const server = spawn(process.execPath, [path.resolve('bin/tidings.js'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  server.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 45_000;
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
  const b = browser;
  return {
    url, stop,
    async withPage(name, options, fn) {
      const context = await b.newContext(options);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      try {
        await fn(page);
      } catch (e) {
        await page.screenshot({ path: path.join(shots, `${name}-failure.png`) }).catch(() => undefined);
        throw e;
      } finally {
        await context.close();
      }
    },
    async signIn(page, email) {
      await page.goto(url);
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill(consolePassword);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByTestId('user-menu').waitFor();
    },
  };
}
