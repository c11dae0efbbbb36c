// Forking the simulator into a child process and talking to it over IPC (benchmarks, tests).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SimulatorConfig } from './config.ts';
import type { ControlRequest, SimulatorProcessOptions } from './process.ts';
import type { MoMessage, SimulatorStats } from './simulator.ts';

/** A simulator running in a child process. */
export interface SimulatorChild {
  port: number;
  /** The CMPP side's port, when it was started with one. */
  cmppPort: number | null;
  pid: number;
  /** Counters of the main side (SMPP, SGIP or SMGP, per `protocol`), or of the CMPP side. */
  stats(protocol?: 'cmpp'): Promise<SimulatorStats>;
  sendMo(mo: MoMessage, protocol?: 'cmpp'): Promise<number>;
  /** Sends many MO in one request (a load's MO cost the parent one message, not one each); answers each one's part count. */
  sendMos(mos: MoMessage[], protocol?: 'cmpp'): Promise<number[]>;
  configure(patch: Partial<SimulatorConfig>): Promise<void>;
  /** CPU time the simulator process has used so far (benchmarks report it per message). */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
  /** Stops the simulator and waits for the process to exit. */
  stop(): Promise<void>;
}

type Reply = { id: number; ok: boolean; result?: unknown; error?: string } | { type: 'ready'; port: number; cmppPort: number | null };
type Request = ControlRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Forks `main.ts` under the tsx loader and resolves once it listens. */
export function forkSimulator(opts: SimulatorProcessOptions = {}): Promise<SimulatorChild> {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const args = ['--port', String(opts.port ?? 0), '--host', opts.host ?? '127.0.0.1'];
  if (opts.config) args.push('--config', JSON.stringify(opts.config));
  if (opts.cmppPort !== undefined) args.push('--cmpp-port', String(opts.cmppPort));
  if (opts.protocol) args.push('--protocol', opts.protocol);
  // TIDINGS_SIMULATOR_NODE_ARGS adds node flags to the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const extra = process.env.TIDINGS_SIMULATOR_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = fork(MAIN, args, { execArgv: ['--import', loader, ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`simulator process exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (msg: Reply) => {
      child.off('exit', onExit);
      if ('type' in msg && msg.type === 'ready') resolve(connect(child, msg.port, msg.cmppPort));
      else reject(new Error('simulator process did not report ready'));
    });
  });
}

function connect(child: ChildProcess, port: number, cmppPort: number | null): SimulatorChild {
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (msg: Reply) => {
    if (!('id' in msg)) return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.ok) w?.resolve(msg.result);
    else w?.reject(new Error(msg.error));
  });
  child.on('exit', () => {
    for (const w of waiting.values()) w.reject(new Error('simulator process exited'));
    waiting.clear();
  });
  const call = <T>(req: Request): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...req, id });
    });
  return {
    port,
    cmppPort,
    pid: child.pid!,
    stats: (protocol) => call<SimulatorStats>({ op: 'stats', protocol }),
    sendMo: (mo, protocol) => call<number>({ op: 'mo', mo, protocol }),
    sendMos: (mos, protocol) => call<number[]>({ op: 'mos', mos, protocol }),
    configure: (patch) => call<void>({ op: 'configure', patch }),
    cpuUsage: () => call<NodeJS.CpuUsage>({ op: 'cpu' }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call({ op: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
