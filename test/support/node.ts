import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = path.resolve('bin/tidings.js');

/** A `tidings start` process of its own: its URL, what it printed, and how to run the CLI on its database. */
export interface SpawnedNode {
  child: ChildProcess; url: string; output(): string;
  /** Runs `tidings <args>` with the node's environment; resolves with stdout. */
  cli(...args: string[]): Promise<string>;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

/** Runs `tidings <args>` with an environment; resolves with stdout, rejects with the error (stderr on it). */
export async function tidings(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  return (await run(process.execPath, [bin, ...args], { env })).stdout;
}

/**
 * Starts `tidings start --role <role>` (default all; HTTP on a free port) and waits until it says it started (with its
 * URL, unless it is a worker node, whose `url` is then '').
 */
export async function spawnNode(env: NodeJS.ProcessEnv, timeoutMs = 40_000, role: 'all' | 'api' | 'worker' = 'all'): Promise<SpawnedNode> {
  const fullEnv = { PORT: '0', TIDINGS_SIMULATOR_PORT: '0', ...env, TIDINGS_LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [bin, 'start', '--role', role], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = false;
  child.on('exit', () => { exited = true; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not start:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const started = /"msg":"Tidings started"/.test(output);
      const m = started && /"url":"(http:\/\/localhost:\d+)"/.exec(output);
      if (m || (started && role === 'worker')) { clearTimeout(timer); resolve(m ? m[1] : ''); }
    });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the node exited with ${code}:\n${output}`)); });
  });
  return {
    child, url, output: () => output,
    cli: (...args) => tidings(fullEnv, ...args),
    alive: () => !exited,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
