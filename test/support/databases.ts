import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** A database the suite runs on: a fresh SQLite file, or a fresh PostgreSQL database when TIDINGS_TEST_PG_URL is set. */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** Creates an empty database and returns its TIDINGS_DATABASE_URL value and a cleanup function. */
  create(): Promise<{ url: string; dataDir: string; drop(): Promise<void> }>;
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  async create() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-test-'));
    return { url: `sqlite:${path.join(dataDir, 'tidings.db')}`, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

function postgres(adminUrl: string): TestDatabase {
  return {
    name: 'postgres',
    async create() {
      const name = `tidings_t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-test-'));
      return {
        url: url.toString(), dataDir,
        async drop() {
          rmSync(dataDir, { recursive: true, force: true });
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        },
      };
    },
  };
}

/** Every database the suite must pass on: SQLite always, PostgreSQL when TIDINGS_TEST_PG_URL is set. */
export const testDatabases: TestDatabase[] = process.env.TIDINGS_TEST_PG_URL ? [sqlite, postgres(process.env.TIDINGS_TEST_PG_URL)] : [sqlite];
