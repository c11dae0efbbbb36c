import { existsSync } from 'node:fs';
import { databaseTarget, loadConfig, type Config } from '../config.ts';
import { buildDeps, closeDeps, type Deps } from '../deps.ts';
import { findTenantBySlug } from '../store/repos/tenants.ts';
import { DomainError } from '../domain/errors.ts';
import pino from 'pino';

/** The database a command works on, for people: the SQLite file, or the PostgreSQL URL without its password. */
export function databaseLabel(config: Config): string {
  const target = databaseTarget(config);
  if (target.dialect === 'sqlite') return target.file;
  const url = new URL(target.url);
  if (url.password) url.password = '***';
  return url.toString();
}

/**
 * Runs an administrative command against the configured database (migrated first), then closes it. A SQLite file
 * that does not exist yet is created — and the command says so on stderr, naming the setting, since it usually means
 * the command is not looking at the server's data directory.
 */
export async function withDeps<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const target = databaseTarget(config);
  if (target.dialect === 'sqlite' && !existsSync(target.file)) {
    process.stderr.write(`note: there was no database at ${target.file}; a new, empty one was created. To work on the server's database, set TIDINGS_DATA_DIR to its data directory (or TIDINGS_DATABASE_URL).\n`);
  }
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    return await fn(deps);
  } finally {
    await closeDeps(deps);
  }
}

/** The id of the tenant with this slug, or a not_found error naming it and the database looked in. */
export async function tenantIdOf(deps: Deps, slug: string): Promise<string> {
  const tenant = await findTenantBySlug(deps.store.db, slug);
  if (!tenant) {
    throw new DomainError('not_found', `tenant "${slug}" not found in the database at ${databaseLabel(deps.config)} (TIDINGS_DATA_DIR / TIDINGS_DATABASE_URL choose the database)`);
  }
  return tenant.id;
}

/** The audit actor for commands run on the server. */
export const cliActor = { type: 'cli' as const, id: null };
