// An embedded-mode node (`tidings start`: SQLite, the virtual carrier, the built console) on a free port with a
// fresh data directory, and Debian's Chromium to drive its console (never a downloaded browser): signing in as the
// demo admin, and the demo tenant's API as the browser tests use it.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';

/** The CLI entry point tests run. */
export const tidingsBin = path.resolve('bin/tidings.js');

/** Where browser tests leave their screenshots. */
export const screenshotDir = path.resolve('test-results');

/** A running embedded node and a browser. */
export interface EmbeddedConsole {
  url: string; env: NodeJS.ProcessEnv; browser: Browser;
  /** A fresh browser context (zh-CN, 1280×900 unless given) signed in as the demo admin, on the overview page. */
  signIn(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** The demo tenant's API with a new admin key (made by the CLI). */
  demoApi(): Promise<DemoApi>;
  stop(): Promise<void>;
}

/** The demo tenant's API. */
export interface DemoApi {
  headers: Record<string, string>;
  /** A JSON call under /api/v1 (a body makes it JSON); the response. */
  fetch(method: string, p: string, body?: unknown): Promise<Response>;
  /** A JSON call under /api/v1; the parsed answer. */
  json(method: string, p: string, body?: unknown): Promise<any>;
  /** Messages a virtual handset of the demo tenant and waits for it to arrive: the number the tenant's texts come from (where the handset's MO go). */
  addressFor(phone: string, text?: string): Promise<string>;
}

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
  const signIn = async (options: BrowserContextOptions = {}) => {
    const context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(url);
      await page.getByLabel('邮箱').fill('demo@tidings.local');
      await page.getByLabel('密码').fill(adminPassword);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('heading', { name: '概览' }).waitFor();
    } catch (e) {
      await context.close();
      throw e;
    }
    return { context, page };
  };
  const demoApi = async (): Promise<DemoApi> => {
    const key = (await promisify(execFile)(process.execPath, [tidingsBin, 'apikey', 'create', '--tenant', 'demo'], { env })).stdout.trim();
    const headers = { authorization: `Bearer ${key}` };
    const call = (method: string, p: string, body?: unknown) => fetch(`${url}/api/v1${p}`, {
      method, headers: body !== undefined ? { ...headers, 'content-type': 'application/json' } : headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = async (method: string, p: string, body?: unknown) => (await call(method, p, body)).json() as Promise<any>;
    return {
      headers, fetch: call, json,
      async addressFor(phone, text = '欢迎') {
        const sent = await call('POST', '/messages', { to: [`+${phone}`], text });
        if (sent.status !== 202) throw new Error(`message to ${phone}: ${sent.status} ${await sent.text()}`);
        const deadline = Date.now() + 20_000;
        for (;;) {
          const from = ((await json('GET', `/simulator/handsets/${phone}`)) as { messages?: { from: string }[] }).messages?.[0]?.from;
          if (from) return from;
          if (Date.now() > deadline) throw new Error(`no message reached handset ${phone}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
    };
  };
  return { url, env, browser, signIn, demoApi, stop };
}
