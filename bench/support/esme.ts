// The 'smpp-server' scenario's ESME in a process of its own, as a reseller's system is: the measured process runs only
// Tidings (server, worker), not the client's encoding of 200,000 submits and decoding of their answers and receipts.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What the ESME is told: where to bind, as whom, how many submits to send and how many to keep outstanding. */
export interface EsmeBlast { port: number; systemId: string; password: string; messages: number; inFlight: number }
/** What the ESME reports: bound (waiting for the start), done (receipts counted), or failed. */
export type EsmeReport = { type: 'bound' } | { type: 'done'; receipts: number; duplicates: number; refused: number } | { type: 'failed'; message: string };

/** An ESME bound and waiting: `start()` sends the blast and resolves with the ESME's counts once it is done; `stop()` ends its process. */
export interface BoundEsme { start(): Promise<Extract<EsmeReport, { type: 'done' }>>; stop(): void }

/** Forks the ESME and resolves once it is bound to the server. */
export function bindEsme(blast: EsmeBlast): Promise<BoundEsme> {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(fileURLToPath(new URL('./esme-main.ts', import.meta.url)), [], { execArgv: ['--import', loader], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<EsmeReport>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the bench ESME exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (m: EsmeReport) => {
      child.off('exit', onExit);
      if (m.type === 'failed') reject(new Error(`the bench ESME failed: ${m.message}`));
      else resolve(m);
    });
  });
  const bound = next();
  child.send(blast);
  const stop = () => { if (child.exitCode === null) child.kill(); };
  return bound.catch((err: unknown) => { stop(); throw err; }).then(() => ({
    stop,
    async start() {
      const done = next();
      child.send('go');
      return done as Promise<Extract<EsmeReport, { type: 'done' }>>;
    },
  }));
}
