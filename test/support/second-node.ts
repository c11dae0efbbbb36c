// A second node beside a test server, for cases that must hold across nodes: on PostgreSQL its own pool; on SQLite
// (one writer process) the server's own node again.
import pino from 'pino';
import { buildDeps, closeDeps, type Deps } from '../../src/deps.ts';
import type { TestDatabase } from './databases.ts';
import type { TestServer } from './server.ts';

/** The second node of a test server. */
export async function secondNode(s: TestServer, database: TestDatabase): Promise<Deps> {
  return database.name === 'postgres' ? buildDeps(s.config, { log: pino({ level: 'silent' }) }) : s.deps;
}

/** Closes a second node, then the server. */
export async function closeNodes(s: TestServer | undefined, other: Deps | undefined): Promise<void> {
  if (other && other !== s?.deps) await closeDeps(other);
  await s?.close();
}
