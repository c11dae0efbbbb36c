import pino from 'pino';
import { loadConfig, type Config, type RawConfig } from '../../src/config.ts';
import { buildDeps, closeDeps, type Deps } from '../../src/deps.ts';
import { buildApp, type App } from '../../src/api/app.ts';
import { createTenant } from '../../src/store/repos/tenants.ts';
import { createApiKey } from '../../src/store/repos/apikeys.ts';
import type { TestDatabase } from './databases.ts';
import type { Role } from '../../src/domain/access.ts';

/** A tenant made for a test, with an API key of the given role. */
export interface TestTenant { id: string; slug: string; key: string; headers: Record<string, string> }

/** A running app on a fresh database, with helpers to make tenants and keys. */
export interface TestServer {
  config: Config; deps: Deps; app: App;
  tenant(slug?: string, role?: Role): Promise<TestTenant>;
  platformKey(): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

/** Starts buildApp on a fresh database (no listening: tests use inject()). */
export async function startTestServer(database: TestDatabase, overrides: RawConfig = {}, opts: { now?: () => Date } = {}): Promise<TestServer> {
  const created = await database.create();
  const config = loadConfig({}, { databaseUrl: created.url, dataDir: created.dataDir, logLevel: 'silent', port: 0, simulator: false, ...overrides });
  const deps = await buildDeps(config, { log: pino({ level: 'silent' }), now: opts.now });
  const app = await buildApp(deps);
  await app.ready();
  return {
    config, deps, app,
    async tenant(slug = `t${++counter}-${Date.now().toString(36)}`, role: Role = 'admin') {
      const t = await createTenant(deps.store.db, { slug });
      const { key } = await createApiKey(deps.store.db, { tenantId: t.id, name: 'test', role, createdBy: null });
      return { id: t.id, slug, key, headers: { authorization: `Bearer ${key}` } };
    },
    async platformKey() {
      return (await createApiKey(deps.store.db, { tenantId: null, name: 'platform', role: 'platform', createdBy: null })).key;
    },
    async close() {
      await app.close();
      await closeDeps(deps);
      await created.drop();
    },
  };
}
