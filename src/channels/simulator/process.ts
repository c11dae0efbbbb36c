// Running the simulator as its own process: an optional HTTP control endpoint, and IPC for a parent
// that forked it (see child.ts).
import http from 'node:http';
import { CmppSimulator, type CmppSimulatorOptions } from './cmpp.ts';
import type { SimulatorConfig } from './config.ts';
import { createVirtualCarrier, type CarrierProtocol, type VirtualCarrier } from './protocols.ts';
import type { SgipSimulatorConfig } from './sgip.ts';
import type { MoMessage } from './simulator.ts';

/** How to run the simulator process. */
export interface SimulatorProcessOptions {
  port?: number;
  host?: string;
  /** HTTP control port (GET /stats, POST /mo, POST /config); undefined = none, 0 = any free port. */
  controlPort?: number;
  /** Settings; an SGIP carrier also reads `callback` (where the SP listens for it). */
  config?: Partial<SgipSimulatorConfig>;
  /** The protocol it speaks on `port` (default smpp). */
  protocol?: CarrierProtocol;
  /** Also run the CMPP side (an ISMG with the same accounts, as SP_Id / shared secret) on this port; undefined = none, 0 = any free port. */
  cmppPort?: number;
  cmpp?: Partial<CmppSimulatorOptions>;
}

/** A running simulator process. */
export interface RunningSimulator {
  simulator: VirtualCarrier;
  port: number;
  controlPort: number | null;
  cmpp: CmppSimulator | null;
  cmppPort: number | null;
  stop(): Promise<void>;
}

/** Requests a parent sends over IPC; each is answered with `{ id, ok, result | error }`. */
export type ControlRequest =
  | { id: number; op: 'stats'; protocol?: 'cmpp' }
  | { id: number; op: 'mo'; mo: MoMessage; protocol?: 'cmpp' }
  | { id: number; op: 'mos'; mos: MoMessage[]; protocol?: 'cmpp' }
  | { id: number; op: 'configure'; patch: Partial<SimulatorConfig> }
  | { id: number; op: 'cpu' }
  | { id: number; op: 'stop' };

function control(sim: VirtualCarrier, cmpp: CmppSimulator | null, req: ControlRequest): unknown {
  const side = (protocol?: 'cmpp') => {
    if (protocol !== 'cmpp') return sim;
    if (!cmpp) throw new Error('the simulator runs no CMPP side (start it with a CMPP port)');
    return cmpp;
  };
  switch (req.op) {
    case 'stats': return side(req.protocol).stats();
    case 'mo': return side(req.protocol).sendMo(req.mo);
    case 'mos': { const s = side(req.protocol); return req.mos.map((mo) => s.sendMo(mo)); }
    case 'configure':
      cmpp?.configure(req.patch);
      return sim.configure(req.patch);
    case 'cpu': return process.cpuUsage();
    case 'stop': return null;
  }
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

function controlServer(sim: VirtualCarrier): http.Server {
  return http.createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const route = `${req.method} ${req.url}`;
    readJson(req).then((body) => {
      if (route === 'GET /stats') return answer(200, sim.stats());
      if (route === 'POST /mo') return answer(200, { parts: sim.sendMo(body as MoMessage) });
      if (route === 'POST /config') {
        sim.configure(body as Partial<SimulatorConfig>);
        return answer(200, { ok: true });
      }
      answer(404, { error: { code: 'not_found', message: `no route ${route}` } });
    }).catch((err: unknown) => answer(400, { error: { code: 'bad_request', message: err instanceof Error ? err.message : String(err) } }));
  });
}

/** Starts the simulator (and its control endpoint, and IPC when forked); what `tidings simulator --port N` calls. */
export async function runSimulatorProcess(opts: SimulatorProcessOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const simulator = createVirtualCarrier(opts.protocol ?? 'smpp', opts.config);
  const { port } = await simulator.start(opts.port ?? 0, host);
  const cmpp = opts.cmppPort === undefined ? null : new CmppSimulator(opts.config, opts.cmpp);
  const cmppPort = cmpp ? (await cmpp.start(opts.cmppPort, host)).port : null;
  let server: http.Server | null = null;
  let controlPort: number | null = null;
  if (opts.controlPort !== undefined) {
    const srv = controlServer(simulator);
    server = srv;
    await new Promise<void>((resolve) => srv.listen(opts.controlPort, host, () => resolve()));
    controlPort = (srv.address() as { port: number }).port;
  }
  const stop = async () => {
    process.off('message', onMessage);
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await simulator.stop();
    await cmpp?.stop();
  };
  const onMessage = (msg: ControlRequest) => {
    let reply: { id: number; ok: boolean; result?: unknown; error?: string };
    try {
      reply = { id: msg.id, ok: true, result: control(simulator, cmpp, msg) };
    } catch (err) {
      reply = { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (msg.op === 'stop') {
      void stop().then(() => {
        process.send?.(reply);
        process.disconnect?.();
      });
    } else {
      process.send?.(reply);
    }
  };
  if (process.send) {
    process.on('message', onMessage);
    process.send({ type: 'ready', port, controlPort, cmppPort });
  }
  return { simulator, port, controlPort, cmpp, cmppPort, stop };
}
