import { ConfigError, type Config } from './config.ts';
import { buildDeps, closeDeps, type Deps } from './deps.ts';
import { buildApp, type App } from './api/app.ts';
import { buildConsole } from './console-build.ts';
import { bootstrap, ensureProtocolChannels, ensureVirtualChannel, type Bootstrap } from './store/bootstrap.ts';
import { startWorker, type Worker } from './worker/worker.ts';
import { startEmbeddedCarrier, type EmbeddedCarrier, type EmbeddedPorts } from './channels/simulator/embedded.ts';
import { SmppServer } from './smpp-server/server.ts';
import { warmAttribution } from './domain/attribution.ts';

/** A running node: its dependencies, the HTTP app when it serves the API, the worker, and how to stop it. */
export interface Node { deps: Deps; app?: App; url?: string; worker?: Worker; stop(): Promise<void> }

/** Runs `listen`; a port another program holds becomes a ConfigError naming the setting to change. */
async function listenOn<T>(setting: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`port ${port} is already in use by another program: stop it, or set ${setting} to a free port (${setting}=0 takes any free port)`);
    if (code === 'EACCES') throw new ConfigError(`port ${port} needs privileges this process does not have: set ${setting} to a port above 1023`);
    throw e;
  }
}

/**
 * Starts a node in the configured role: `api` serves HTTP, `worker` runs background work, `all` does both.
 * The ports are taken first, so a start that cannot listen has created nothing (no first-start admin whose
 * one-time password would be lost); a failed start releases what it took.
 */
export async function startNode(config: Config): Promise<Node> {
  const deps = await buildDeps(config);
  let simulator: EmbeddedCarrier | undefined;
  let app: App | undefined;
  let worker: Worker | undefined;
  let smppServer: SmppServer | undefined;
  const stop = async () => {
    await smppServer?.stop();
    await app?.close();
    await worker?.stop();
    await simulator?.stop();
    await closeDeps(deps);
  };
  try {
    let simulatorPorts: EmbeddedPorts | undefined;
    if (config.role === 'all' && config.simulator) {
      simulator = await startEmbeddedCarrier((sim) => listenOn('TIDINGS_SIMULATOR_PORT', config.simulatorPort, () => sim.start(config.simulatorPort)));
      simulatorPorts = simulator.ports;
      deps.simulator = simulator.carriers;
      deps.log.info(simulatorPorts, 'virtual carrier listening (SMPP, CMPP, SGIP, SMGP)');
    }
    let url: string | undefined;
    if (config.role !== 'worker') {
      warmAttribution();
      await buildConsole(deps.log);
      const built = await buildApp(deps);
      app = built;
      await listenOn('PORT', config.port, () => built.listen({ port: config.port, host: config.host }));
      const address = built.server.address();
      url = config.publicUrl || `http://localhost:${typeof address === 'object' && address ? address.port : config.port}`;
    }
    if (config.role !== 'worker' && config.smppServerPort !== null) {
      const server = new SmppServer(deps);
      smppServer = server;
      const tls = config.smppServerTlsCert && config.smppServerTlsKey ? { port: config.smppServerTlsPort, certFile: config.smppServerTlsCert, keyFile: config.smppServerTlsKey } : undefined;
      const ports = await listenOn('TIDINGS_SMPP_SERVER_PORT', config.smppServerPort, () => server.start({ port: config.smppServerPort!, host: config.host, tls }));
      deps.log.info(ports, 'SMPP server listening');
    }
    const first = await bootstrap(deps.store.db, config);
    if (simulatorPorts !== undefined) {
      await ensureVirtualChannel(deps.store.db, simulatorPorts.smpp, deps.now().toISOString());
      await ensureProtocolChannels(deps.store.db, simulatorPorts, deps.now().toISOString());
    }
    if (config.role !== 'api') worker = await startWorker(deps);
    if (worker) smppServer?.watch(worker.effects);
    deps.log.info({ role: config.role, database: deps.store.dialect, url }, 'Tidings started');
    if (first) printFirstStart(first, url);
    return { deps, app, url, worker, stop };
  } catch (e) {
    await stop().catch((err: unknown) => deps.log.error({ err }, 'could not release what a failed start took'));
    throw e;
  }
}

function printFirstStart(first: Bootstrap, url: string | undefined): void {
  const lines = [
    '',
    '  Tidings is ready.',
    `  Console:        ${url ?? '(this node serves no HTTP; start one with --role api)'}`,
    `  Platform admin: ${first.adminEmail}`,
    `  Demo tenant:    ${first.demoEmail} (owner of tenant "demo")`,
    ...(first.generated
      ? [`  Admin password: ${first.password}`, `  Demo password:  ${first.demoPassword}`,
        '  (generated and shown only this once — change them after signing in; a lost one: tidings user reset-password --email E)']
      : ['  Password:       the value of TIDINGS_ADMIN_PASSWORD (both users)']),
    `  API docs:       ${url ? `${url}/api/docs` : '-'}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
