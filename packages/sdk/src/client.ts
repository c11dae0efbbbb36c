// The Tidings client: one transport (auth headers, X-Tenant, safe retries) under a typed openapi-fetch client of every
// route, plus helpers for the main jobs (messages, contacts, campaigns, imports, inbox).
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi.gen.ts';
import { errorOf, TidingsError } from './errors.ts';
import { defaultRetryPolicy, retryingFetch, type RetryEvent, type RetryPolicy } from './retry.ts';
import { Messages } from './messages.ts';
import { Contacts } from './contacts.ts';
import { Campaigns } from './campaigns.ts';
import { Imports } from './imports.ts';
import { Inbox } from './inbox.ts';

/** How to reach and sign in to a Tidings server. */
export interface TidingsOptions {
  /** The server, e.g. `https://sms.example.com` (the API lives under /api/v1). */
  baseUrl: string;
  /** A tenant API key, or a platform API key (then name the tenant with `tenant` for tenant routes). */
  apiKey: string;
  /** For platform keys: the tenant slug sent as `X-Tenant`. */
  tenant?: string;
  /** Retry policy overrides (`{ retries: 0 }` turns retries off). */
  retry?: Partial<RetryPolicy>;
  /** Called before each retry (for logs or metrics). */
  onRetry?: (event: RetryEvent) => void;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global one). */
  fetch?: (request: Request) => Promise<Response>;
}

/** What an untyped `request` may carry. */
export interface RawRequestOptions {
  /** A JSON-serialisable body, or a FormData sent as multipart. */
  body?: unknown;
  /** Extra headers of this request (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
  /** Answer the body as bytes instead of parsed JSON. */
  raw?: boolean;
  /** Aborts the request (and any wait between retries). */
  signal?: AbortSignal;
}

/** Unwraps an openapi-fetch result: the data, or the API's error thrown as a TidingsError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw errorOf(result.response.status, result.response.statusText, result.error ?? null);
}

/** A client of one Tidings server under one key. */
export class Tidings {
  /** The typed client of every route: `tidings.api.GET('/api/v1/messages/{id}', { params: { path: { id } } })`. */
  readonly api: Client<paths>;
  /** Send texts (with automatic idempotency keys) and read messages. */
  readonly messages: Messages;
  /** Contacts: find by number, list. */
  readonly contacts: Contacts;
  /** Campaigns: create, pre-flight, start, pause/resume/cancel, watch, list. */
  readonly campaigns: Campaigns;
  /** Contact imports from a CSV or XLSX file, with progress. */
  readonly imports: Imports;
  /** Two-way conversations: list, read, reply. */
  readonly inbox: Inbox;
  /** The server's base URL, without a trailing slash. */
  readonly baseUrl: string;
  private readonly transport: (request: Request) => Promise<Response>;

  constructor(options: TidingsOptions) {
    if (!options.baseUrl) throw new TypeError('Tidings: baseUrl is required (e.g. "http://localhost:3000")');
    if (!options.apiKey) throw new TypeError('Tidings: apiKey is required (a tenant or platform API key)');
    let base: URL;
    try { base = new URL(options.baseUrl); } catch { throw new TypeError(`Tidings: baseUrl "${options.baseUrl}" is not an absolute URL`); }
    this.baseUrl = base.href.replace(/\/+$/, '');
    const headers: Record<string, string> = { ...options.headers, authorization: `Bearer ${options.apiKey}` };
    if (options.tenant) headers['x-tenant'] = options.tenant;
    const send = options.fetch ?? ((request: Request) => fetch(request));
    const policy = { ...defaultRetryPolicy, ...options.retry };
    const retrying = retryingFetch(send, policy, options.onRetry);
    this.transport = async (request) => {
      for (const [k, v] of Object.entries(headers)) if (!request.headers.has(k)) request.headers.set(k, v);
      try {
        return await retrying(request);
      } catch (e) {
        if (request.signal.aborted) throw e;
        throw new TidingsError('network', `cannot reach ${this.baseUrl}: ${(e as Error).message}`, 0, undefined, { cause: e });
      }
    };
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: this.transport });
    this.messages = new Messages(this);
    this.contacts = new Contacts(this);
    this.campaigns = new Campaigns(this);
    this.imports = new Imports(this);
    this.inbox = new Inbox(this);
  }

  /**
   * Calls any route by method and path (`/api/v1/…`, with its query string), through the same auth and retries;
   * answers the parsed JSON (null for 204, bytes with `raw`) and throws a TidingsError for an error answer.
   */
  async request(method: string, path: string, options: RawRequestOptions = {}): Promise<any> {
    const headers = new Headers(options.headers);
    let body: FormData | string | undefined;
    if (options.body instanceof FormData) body = options.body;
    else if (options.body !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(options.body);
    }
    const res = await this.transport(new Request(`${this.baseUrl}${path}`, { method: method.toUpperCase(), headers, body, signal: options.signal }));
    if (!res.ok) {
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON: the text is the message */ }
      throw errorOf(res.status, res.statusText, parsed);
    }
    if (options.raw) return new Uint8Array(await res.arrayBuffer());
    if (res.status === 204) return null;
    const text = await res.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new TidingsError('invalid_response', `${method} ${path} answered ${res.status} with a body that is not JSON`, res.status);
    }
  }
}
