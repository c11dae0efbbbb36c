import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { StoreTarget } from './store/dialect.ts';

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every setting: its key, environment variable, default and meaning (the README table is made from this). */
export const settings = {
  port: { env: 'PORT', schema: int(0, 65535), default: 3000, doc: 'HTTP port of the API and console' },
  host: { env: 'TIDINGS_HOST', schema: z.string().min(1), default: '0.0.0.0', doc: 'Address the HTTP server listens on' },
  publicUrl: { env: 'TIDINGS_PUBLIC_URL', schema: z.string().url().or(z.literal('')), default: '', doc: 'URL users reach the console at (printed at start; defaults to http://localhost:PORT)' },
  dataDir: { env: 'TIDINGS_DATA_DIR', schema: z.string().min(1), default: './data', doc: 'Directory for the SQLite file and uploaded files' },
  sqliteCheckpointThread: { env: 'TIDINGS_SQLITE_CHECKPOINT_THREAD', schema: bool, default: true, doc: 'SQLite: copy the WAL back into the database file on a thread of its own, so commits never wait for it' },
  databaseUrl: { env: 'TIDINGS_DATABASE_URL', schema: z.string().regex(/^(|sqlite:.+|postgres(ql)?:\/\/.+)$/, 'empty, sqlite:<path> or postgres://…'), default: '', doc: 'Empty for SQLite at DATA_DIR/tidings.db; or postgres://user@host:5432/db' },
  role: { env: 'TIDINGS_ROLE', schema: z.enum(['all', 'api', 'worker']), default: 'all', doc: 'What this node runs: api, worker, or all (embedded mode)' },
  trustProxy: { env: 'TIDINGS_TRUST_PROXY', schema: bool, default: false, doc: 'Take the client address from X-Forwarded-For (only behind a proxy you run)' },
  logLevel: { env: 'TIDINGS_LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info', doc: 'pino log level' },
  adminEmail: { env: 'TIDINGS_ADMIN_EMAIL', schema: z.string().email(), default: 'admin@tidings.local', doc: 'Email of the platform admin created on first start' },
  adminPassword: { env: 'TIDINGS_ADMIN_PASSWORD', schema: z.string().min(8).or(z.literal('')), default: '', doc: 'Password of that admin; generated and printed once when empty' },
  bodyLimitBytes: { env: 'TIDINGS_BODY_LIMIT_BYTES', schema: int(1024, 2 ** 30), default: 5 * 1024 * 1024, doc: 'Largest JSON request body (413 above)' },
  importMaxBytes: { env: 'TIDINGS_IMPORT_MAX_BYTES', schema: int(1024, 2 ** 40), default: 200 * 1024 * 1024, doc: 'Largest contact file accepted for import' },
  sessionHours: { env: 'TIDINGS_SESSION_HOURS', schema: int(1, 24 * 90), default: 12, doc: 'Console sign-in lifetime in hours' },
  secureCookies: { env: 'TIDINGS_SECURE_COOKIES', schema: bool, default: false, doc: 'Mark console cookies Secure (set true behind HTTPS)' },
  signinAttempts: { env: 'TIDINGS_SIGNIN_ATTEMPTS', schema: int(1, 1000), default: 10, doc: 'Failed sign-ins allowed per address (and per email from one address; ten times as many per email from all addresses) in 15 minutes' },
  simulator: { env: 'TIDINGS_SIMULATOR', schema: bool, default: true, doc: 'Run the built-in virtual carrier in embedded mode (role all)' },
  simulatorPort: { env: 'TIDINGS_SIMULATOR_PORT', schema: int(0, 65535), default: 2775, doc: 'SMPP port of the built-in virtual carrier (0 = any free port)' },
  leaseSeconds: { env: 'TIDINGS_LEASE_SECONDS', schema: int(2, 3600), default: 60, doc: 'How long a worker holds claimed messages, campaigns and carrier bind slots; a crashed worker\'s work is taken over after this' },
  pgAnalyzeSeconds: { env: 'TIDINGS_PG_ANALYZE_SECONDS', schema: int(0, 3600), default: 10, doc: 'PostgreSQL: every this many seconds a worker analyses the tables that changed by more than a tenth since their last analysis, so the planner never plans a big campaign from stale row counts (0 = leave it to autovacuum)' },
  channelLogDays: { env: 'TIDINGS_CHANNEL_LOG_DAYS', schema: int(1, 3650), default: 14, doc: 'Days the per-message carrier log is kept' },
  webhookAllowPrivate: { env: 'TIDINGS_WEBHOOK_ALLOW_PRIVATE', schema: bool, default: false, doc: 'Allow webhook URLs on loopback, private, link-local and other non-public addresses (only when your receivers are on your own network)' },
  smppServerPort: { env: 'TIDINGS_SMPP_SERVER_PORT', schema: int(0, 65535).or(z.literal('').transform(() => null)).nullable(), default: null, doc: 'Port of the SMPP server for resellers and applications (SMPP accounts); off when unset (2776 is a usual choice; 0 = any free port)' },
  smppServerTlsPort: { env: 'TIDINGS_SMPP_SERVER_TLS_PORT', schema: int(0, 65535), default: 3550, doc: 'Port of SMPP over TLS, served when a certificate and key are set' },
  smppServerTlsCert: { env: 'TIDINGS_SMPP_SERVER_TLS_CERT', schema: z.string(), default: '', doc: 'PEM certificate file for SMPP over TLS (with TIDINGS_SMPP_SERVER_TLS_KEY)' },
  smppServerTlsKey: { env: 'TIDINGS_SMPP_SERVER_TLS_KEY', schema: z.string(), default: '', doc: 'PEM private key file for SMPP over TLS' },
  smppReceiptDays: { env: 'TIDINGS_SMPP_RECEIPT_DAYS', schema: int(1, 365), default: 7, doc: 'Days a delivery receipt waits for its ESME to bind again (then it is dropped)' },
  codeSecret: { env: 'TIDINGS_CODE_SECRET', schema: z.string().refine((v) => v === '' || v.length >= 32, 'at least 32 characters (or empty for the key file)'), default: '', doc: 'Secret key of anti-counterfeit code hashes and lottery seeds, kept outside the database (the same on every node); empty: DATA_DIR/code-secret.key, made on first use' },
  consentRetentionDays: { env: 'TIDINGS_CONSENT_RETENTION_DAYS', schema: int(1, 36500), default: 1825, doc: 'Days consent evidence is kept after it ends' },
} as const;

type Settings = typeof settings;
/** The validated configuration. */
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };
/** Values from a file or flags, not yet validated. */
export type RawConfig = Partial<Record<keyof Settings, unknown>>;

/** A configuration that cannot be used; the message names the setting and what it allows. */
export class ConfigError extends Error {}

/**
 * Builds the configuration: defaults → JSON file (`TIDINGS_CONFIG` or `fileValues`) → TIDINGS_* env → flags.
 * Throws ConfigError naming the first bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: RawConfig = {}): Config {
  const fromFile = env.TIDINGS_CONFIG ? readConfigFile(env.TIDINGS_CONFIG) : {};
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings) as [keyof Settings, Settings[keyof Settings]][]) {
    let value: unknown = s.default;
    let source = 'default';
    if (fromFile[key] !== undefined) { value = fromFile[key]; source = `config file ${env.TIDINGS_CONFIG}`; }
    if (env[s.env] !== undefined && env[s.env] !== '') { value = env[s.env]; source = `environment variable ${s.env}`; }
    if (flags[key] !== undefined) { value = flags[key]; source = `flag --${key}`; }
    const parsed = s.schema.safeParse(value);
    if (!parsed.success) {
      const allowed = parsed.error.issues.map((i) => i.message).join('; ');
      throw new ConfigError(`setting ${key} (${s.env}) from ${source} is invalid: ${JSON.stringify(value)} — ${allowed}`);
    }
    out[key] = parsed.data;
  }
  out.dataDir = path.resolve(out.dataDir as string);
  return out as Config;
}

function readConfigFile(file: string): RawConfig {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new ConfigError(`config file ${file} cannot be read: ${(e as Error).message}`);
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
    const unknownKeys = Object.keys(data).filter((k) => !(k in settings));
    if (unknownKeys.length) throw new Error(`unknown settings ${unknownKeys.join(', ')}`);
    return data as RawConfig;
  } catch (e) {
    throw new ConfigError(`config file ${file} is invalid: ${(e as Error).message}`);
  }
}

/** Where the database lives: the SQLite file path or the Postgres URL. */
export function databaseTarget(config: Config): StoreTarget {
  const url = config.databaseUrl;
  if (url.startsWith('postgres')) return { dialect: 'postgres', url };
  const checkpointThread = config.sqliteCheckpointThread;
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', file: url.slice('sqlite:'.length), checkpointThread };
  return { dialect: 'sqlite', file: path.join(config.dataDir, 'tidings.db'), checkpointThread };
}
