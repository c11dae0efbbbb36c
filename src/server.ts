import type { Config } from './config.ts';
import { buildDeps, closeDeps, type Deps } from './deps.ts';
import { buildApp, type App } from './api/app.ts';
import { buildConsole } from './console-build.ts';
import { bootstrap, ensureVirtualChannel } from './store/bootstrap.ts';
import { startWorker, type Worker } from './worker/worker.ts';
import { Simulator } from './channels/simulator/simulator.ts';
import { SmppServer } from './smpp-server/server.ts';

/** A running node: its dependencies, the HTTP app when it serves the API, the worker, and how to stop it. */
export interface Node { deps: Deps; app?: App; url?: string; worker?: Worker; stop(): Promise<void> }

/** Starts a node in the configured role: `api` serves HTTP, `worker` runs background work, `all` does both. */
export async function startNode(config: Config): Promise<Node> {
  const deps = await buildDeps(config);
  const first = await bootstrap(deps.store.db, config);
  const stops: (() => Promise<void>)[] = [];
  if (config.role === 'all' && config.simulator) {
    const simulator = new Simulator({ outcomes: { delivered: 0.97, undelivered: 0.02, expired: 0.01 }, receiptDelayMs: 500 });
    const { port } = await simulator.start(config.simulatorPort);
    await ensureVirtualChannel(deps.store.db, port, deps.now().toISOString());
    deps.simulator = simulator;
    stops.push(() => simulator.stop());
    deps.log.info({ port }, 'virtual carrier listening (SMPP)');
  }
  let worker: Worker | undefined;
  if (config.role !== 'api') {
    worker = await startWorker(deps);
    stops.push(() => worker!.stop());
  }
  let app: App | undefined;
  let url: string | undefined;
  if (config.role !== 'worker') {
    await buildConsole(deps.log);
    app = await buildApp(deps);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = config.publicUrl || `http://localhost:${port}`;
    stops.push(() => app!.close());
  }
  if (config.role !== 'worker' && config.smppServerPort !== null) {
    const smpp = new SmppServer(deps);
    const tls = config.smppServerTlsCert && config.smppServerTlsKey ? { port: config.smppServerTlsPort, certFile: config.smppServerTlsCert, keyFile: config.smppServerTlsKey } : undefined;
    const ports = await smpp.start({ port: config.smppServerPort, host: config.host, tls });
    stops.push(() => smpp.stop());
    deps.log.info(ports, 'SMPP server listening');
  }
  deps.log.info({ role: config.role, database: deps.store.dialect, url }, 'Tidings started');
  if (first) printFirstStart(first, url);
  return {
    deps, app, url, worker,
    async stop() {
      for (const stop of stops.reverse()) await stop();
      await closeDeps(deps);
    },
  };
}

function printFirstStart(first: { adminEmail: string; demoEmail: string; password: string; generated: boolean }, url: string | undefined): void {
  const lines = [
    '',
    '  Tidings is ready.',
    `  Console:        ${url ?? '(this node serves no HTTP; start one with --role api)'}`,
    `  Platform admin: ${first.adminEmail}`,
    `  Demo tenant:    ${first.demoEmail} (owner of tenant "demo")`,
    first.generated ? `  Password:       ${first.password}   (generated; shown only this once — change it after signing in)` : '  Password:       the value of TIDINGS_ADMIN_PASSWORD',
    `  API docs:       ${url ? `${url}/api/docs` : '-'}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
