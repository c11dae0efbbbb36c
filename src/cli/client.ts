// The HTTP client shared by the CLI's client commands (inbox, send, campaign …): a server given by
// --url / TIDINGS_URL, an API key by --key / TIDINGS_API_KEY, requests made by @tidings/sdk (auth, safe retries),
// its errors turned into DomainErrors.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { DomainError } from '../domain/errors.ts';
import { Tidings, TidingsError } from '../../packages/sdk/src/index.ts';

/** Options every client command accepts. */
export interface ClientOptions { url?: string; key?: string; json?: boolean }

/** An error answer of the API: its stable code, the HTTP status and the details. */
export class ApiError extends DomainError {
  readonly status: number;
  constructor(code: string, status: number, message: string, details?: unknown) {
    super(code, `${code} (HTTP ${status}): ${message}`, details);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** What one request may add: extra headers, or the body as bytes instead of JSON. */
export interface RequestOptions { raw?: boolean; headers?: Record<string, string> }

/** Calls the API: method, path under the server, an optional JSON body (or a FormData, sent as multipart); answers the parsed JSON (or bytes with `raw`). */
export type Client = (method: string, path: string, body?: unknown, opts?: RequestOptions) => Promise<any>;

/** The SDK error turned into the CLI's: `unavailable` naming the server when it was not reached, else an ApiError. */
export function cliError(e: unknown, base: string): unknown {
  if (!(e instanceof TidingsError)) return e;
  if (e.code === 'network') return new DomainError('unavailable', `cannot reach ${base}: ${e.networkCode ?? (e.cause as Error | undefined)?.message ?? e.message}`);
  const fields = (e.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [];
  const more = fields.slice(1).map((f) => `; ${f.field}: ${f.message}`).join('');
  return new ApiError(e.code, e.status, `${e.message}${more}`, e.details);
}

/** The SDK client of the server and key the options (or the environment) name; throws invalid_request when one is missing. */
export function sdk(o: ClientOptions): Tidings {
  const base = (o.url ?? process.env.TIDINGS_URL ?? '').replace(/\/+$/, '');
  const key = o.key ?? process.env.TIDINGS_API_KEY ?? '';
  if (!base) throw new DomainError('invalid_request', 'give the server with --url or TIDINGS_URL');
  if (!key) throw new DomainError('invalid_request', 'give an API key with --key or TIDINGS_API_KEY');
  try {
    return new Tidings({ baseUrl: base, apiKey: key, headers: { 'user-agent': 'tidings-cli' } });
  } catch (e) {
    throw new DomainError('invalid_request', `--url / TIDINGS_URL: ${(e as Error).message.replace(/^Tidings: /, '')}`);
  }
}

/** Runs an SDK call, turning its errors into the CLI's (see cliError). */
export async function viaSdk<T>(t: Tidings, fn: (t: Tidings) => Promise<T>): Promise<T> {
  try {
    return await fn(t);
  } catch (e) {
    throw cliError(e, t.baseUrl);
  }
}

/** A client of the server and key the options (or the environment) name, over the SDK (auth, safe retries). */
export function client(o: ClientOptions): Client {
  const t = sdk(o);
  return async (method, path, body, opts = {}) => {
    const answer = await viaSdk(t, (x) => x.request(method, path, { body, headers: opts.headers, raw: opts.raw }));
    return opts.raw ? Buffer.from(answer as Uint8Array) : answer;
  };
}

/** Adds --url, --key and --json to a client command. */
export function withClientOptions(c: Command): Command {
  return c.option('--url <url>', 'server URL (or TIDINGS_URL)').option('--key <key>', 'API key (or TIDINGS_API_KEY)').option('--json', 'print JSON');
}

/** Prints the answer as JSON with --json, else as the given lines. */
export function print(o: ClientOptions, value: unknown, lines: () => string[]): void {
  process.stdout.write(o.json ? `${JSON.stringify(value, null, 2)}\n` : `${lines().join('\n')}\n`);
}

/** A commander collector for repeatable options (`--to A --to B`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Waits ms milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One recipient read from a file: the number and, from a CSV with a header, the other columns. */
export interface FileRecipient { phone: string; vars?: Record<string, string> }

/**
 * Reads recipients from a file: one number per line (or several separated by commas, semicolons or spaces;
 * blank lines and lines starting with # are skipped), or a CSV whose header has a `phone` column — then every
 * other column comes along as template data.
 */
export function readRecipients(file: string): FileRecipient[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new DomainError('invalid_request', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const first = text.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
  const header = first.split(/[,;\t]/).map((h) => h.trim().toLowerCase());
  if (header.length > 1 && header.includes('phone')) {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(text, { columns: (h: string[]) => h.map((x) => (x.trim().toLowerCase() === 'phone' ? 'phone' : x.trim())), delimiter: [',', ';', '\t'], skip_empty_lines: true, trim: true, relax_column_count: true });
    } catch (e) {
      throw new DomainError('invalid_request', `${file}: ${(e as Error).message}`);
    }
    return rows.filter((r) => r.phone).map(({ phone, ...vars }) => (Object.keys(vars).length ? { phone, vars } : { phone }));
  }
  return text.split(/\r?\n/).filter((l) => !l.trim().startsWith('#')).flatMap((l) => l.split(/[,;\s]+/)).filter(Boolean).map((phone) => ({ phone }));
}

/** Parses a JSON option value, naming the option when it is not valid JSON. */
export function jsonOption(option: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new DomainError('invalid_request', `${option} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Lines of left-aligned columns separated by two spaces. */
export function columns(rows: (string | number | null | undefined)[][]): string[] {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

/** Money kept in minor units (fen, a decimal string) as yuan with its currency: "55" → "0.55 CNY". */
export function money(minor: string | number | bigint): string {
  const v = BigInt(minor);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')} CNY`;
}
