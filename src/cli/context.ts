import { loadConfig } from '../config.ts';
import { buildDeps, closeDeps, type Deps } from '../deps.ts';
import { findTenantBySlug } from '../store/repos/tenants.ts';
import { notFound } from '../domain/errors.ts';
import pino from 'pino';

/** Runs an administrative command against the configured database (migrated first), then closes it. */
export async function withDeps<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    return await fn(deps);
  } finally {
    await closeDeps(deps);
  }
}

/** The id of the tenant with this slug, or a not_found error naming it. */
export async function tenantIdOf(deps: Deps, slug: string): Promise<string> {
  const tenant = await findTenantBySlug(deps.store.db, slug);
  if (!tenant) throw notFound(`tenant "${slug}"`);
  return tenant.id;
}

/** The audit actor for commands run on the server. */
export const cliActor = { type: 'cli' as const, id: null };
