import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/** The console's sources (Vite root) and where its build is served from. */
export const webDir = path.resolve(import.meta.dirname, '..', 'web');
/** The built console: index.html and hashed assets. */
export const consoleDist = path.join(webDir, 'dist');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether web/dist is missing, or older than a console source file (when the sources are present). */
export function consoleStale(): boolean {
  const index = path.join(consoleDist, 'index.html');
  if (!existsSync(index)) return true;
  if (!existsSync(path.join(webDir, 'src'))) return false;
  const sources = [path.join(webDir, 'index.html'), path.join(webDir, 'vite.config.ts')].filter(existsSync).map((f) => statSync(f).mtimeMs);
  return Math.max(newestSource(path.join(webDir, 'src')), ...sources) > statSync(index).mtimeMs;
}

const lockFile = path.join(webDir, '.build-lock');
const staleLockMs = 2 * 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process holding the lock and how old the lock is, or null when it vanished meanwhile. */
function holderOf(): { pid: number; age: number } | null {
  try {
    return { pid: Number(readFileSync(lockFile, 'utf8')) || 0, age: Date.now() - statSync(lockFile).mtimeMs };
  } catch {
    return null;
  }
}

/** Takes the build lock (a file with our pid, created exclusively), waiting while a live process holds it. */
async function lock(): Promise<void> {
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch {
      const holder = holderOf();
      if (!holder) continue;
      if (!alive(holder.pid) || holder.age > staleLockMs) rmSync(lockFile, { force: true });
      else await sleep(250);
    }
  }
}

/**
 * Builds the console with Vite when web/dist is missing or stale. One process builds at a time (the others wait, then
 * find it built); the build goes to a fresh directory that then replaces web/dist, so a node never serves a
 * half-written build. Vite runs in a child process: a build takes most of a gigabyte, which a server process would
 * keep for its whole life. When Vite is not installed (a production install without dev dependencies) it logs why and
 * goes on: the API still serves, and the console says it is not built.
 */
export async function buildConsole(log: Logger): Promise<void> {
  if (!consoleStale()) return;
  await lock();
  try {
    if (consoleStale()) await build(log);
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** Runs a command to its end; resolves with its exit code and what it printed. */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function build(log: Logger): Promise<void> {
  const configFile = path.join(webDir, 'vite.config.ts');
  if (!existsSync(configFile)) {
    log.warn('the console is not built and its sources are missing: the API serves without it');
    return;
  }
  let viteBin: string;
  try {
    viteBin = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    log.warn('the console is not built and Vite is not installed: run `npm run build:web` where dev dependencies are installed');
    return;
  }
  const started = Date.now();
  const out = path.join(webDir, `.dist-${process.pid}-${started}`);
  log.info('building the web console');
  try {
    const { code, output } = await run(process.execPath, [viteBin, 'build', webDir, '--config', configFile, '--outDir', out, '--emptyOutDir', '--logLevel', 'warn']);
    if (code !== 0 || !existsSync(path.join(out, 'index.html'))) throw new Error(`vite build exited with ${code}: ${output.slice(-2000)}`);
    const old = `${out}-old`;
    if (existsSync(consoleDist)) renameSync(consoleDist, old);
    renameSync(out, consoleDist);
    rmSync(old, { recursive: true, force: true });
    log.info({ ms: Date.now() - started }, 'web console built');
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    log.error({ err }, 'the web console could not be built: the API serves without it');
  }
}
