import pino, { type Logger } from 'pino';
import { databaseTarget, type Config } from './config.ts';
import { openStore, type Store } from './store/dialect.ts';
import { migrate } from './store/migrations/index.ts';
import { Metrics } from './metrics.ts';
import { Router } from './worker/router.ts';
import type { CarrierSide } from './channels/simulator/carriers.ts';
import type { Dispatcher } from './worker/dispatcher.ts';

/** Everything the API, the worker and the CLI need, built once and handed down. */
export interface Deps {
  config: Config;
  log: Logger;
  store: Store;
  metrics: Metrics;
  /** The current time; tests inject a clock. */
  now: () => Date;
  /** Routes and channel health for pricing and routing messages. */
  router: Router;
  /** Tells this process's dispatcher that messages were queued (a no-op where no worker runs). */
  wakeDispatcher: () => void;
  /** This process's dispatcher while its worker runs: messages stored here can be leased and handed to it in memory. */
  dispatcher?: Dispatcher;
  /** The built-in virtual carrier when this node runs it (embedded mode), for the handsets API. */
  simulator?: CarrierSide;
}

/** Opens the store, runs migrations and builds the shared dependencies. */
export async function buildDeps(config: Config, opts: { log?: Logger; now?: () => Date; migrate?: boolean } = {}): Promise<Deps> {
  const log = opts.log ?? pino({
    level: config.logLevel,
    redact: { paths: ['password', '*.password', 'key', '*.key', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'], censor: '[redacted]' },
  });
  const store = openStore(databaseTarget(config));
  if (opts.migrate !== false) await migrate(store.db);
  return { config, log, store, metrics: new Metrics(), now: opts.now ?? (() => new Date()), router: new Router(store), wakeDispatcher: () => undefined };
}

/** Closes what buildDeps opened. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.store.close();
}
