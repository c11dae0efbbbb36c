import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, databaseTarget, loadConfig } from './config.ts';

describe('config', () => {
  it('layers defaults, file, environment and flags in that order', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const file = path.join(dir, 'tidings.json');
    writeFileSync(file, JSON.stringify({ port: 4000, logLevel: 'warn', sessionHours: 5 }));
    const c = loadConfig({ TIDINGS_CONFIG: file, TIDINGS_LOG_LEVEL: 'debug', TIDINGS_SESSION_HOURS: '7' }, { sessionHours: '9' });
    expect(c.port).toBe(4000);
    expect(c.logLevel).toBe('debug');
    expect(c.sessionHours).toBe(9);
    expect(c.role).toBe('all');
  });

  it('stops on a bad value, naming the setting and what is allowed', () => {
    expect(() => loadConfig({ TIDINGS_ROLE: 'boss' })).toThrow(ConfigError);
    expect(() => loadConfig({ TIDINGS_ROLE: 'boss' })).toThrow(/role \(TIDINGS_ROLE\).*"boss".*all.*api.*worker/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/port \(PORT\)/);
    expect(() => loadConfig({ TIDINGS_DATABASE_URL: 'mysql://x' })).toThrow(/databaseUrl/);
  });

  it('rejects unknown keys and broken JSON in the config file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"prot": 1}');
    expect(() => loadConfig({ TIDINGS_CONFIG: file })).toThrow(/unknown settings prot/);
    writeFileSync(file, '{');
    expect(() => loadConfig({ TIDINGS_CONFIG: file })).toThrow(/is invalid/);
  });

  it('picks SQLite in the data dir by default and Postgres for a postgres URL', () => {
    expect(databaseTarget(loadConfig({ TIDINGS_DATA_DIR: '/tmp/x' }))).toEqual({ dialect: 'sqlite', file: '/tmp/x/tidings.db', checkpointThread: true });
    expect(databaseTarget(loadConfig({ TIDINGS_DATABASE_URL: 'postgres://u@h/db' }))).toEqual({ dialect: 'postgres', url: 'postgres://u@h/db' });
  });
});
