// The HTTP load generator in a process of its own, so the server it measures is not sharing a thread or RSS with it.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** What the load process runs: POST `send` bodies to `url`, each to its own number (or GET `paths` in turn), over `connections` for `seconds`. */
export interface SendLoad { url: string; key: string; connections: number; seconds: number; text: string; paths?: string[] }

/** The figures the load process reports back. */
export interface LoadResult { requests: number; perSecond: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number }

/** Runs the load in a forked process and resolves with its figures (the load goes over IPC: a list of paths is too long for a command line). */
export function runSendLoad(load: SendLoad): Promise<LoadResult> {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', loader], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(load);
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`load process exited (code ${code}) without a result`)));
  });
}

async function main(load: SendLoad): Promise<void> {
  let i = 0;
  const paths = load.paths;
  const result = paths ? await autocannon({
    url: load.url, connections: load.connections, duration: load.seconds, method: 'GET', headers: { 'user-agent': 'Mozilla/5.0 (bench)' },
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
  }) : await autocannon({
    url: load.url, connections: load.connections, duration: load.seconds, method: 'POST',
    headers: { authorization: `Bearer ${load.key}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ to: `+86138${String(i++ % 1e8).padStart(8, '0')}`, text: load.text }) }) }],
  });
  const out: LoadResult = {
    requests: result.requests.total, perSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    non2xx: result.non2xx, errors: result.errors,
  };
  process.send!(out, () => process.exit(0));
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) process.once('message', (load) => void main(load as SendLoad));
