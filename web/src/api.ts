// The one typed client of the Tidings HTTP API. Route shapes come from the SDK's openapi.gen.ts (openapi-typescript's
// `paths`), made from the server's own OpenAPI document (`npm run typecheck` regenerates it): the console and
// @tidings/sdk share that one source of types.
import type { paths } from '../../packages/sdk/src/openapi.gen.ts';

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
/** A route as "METHOD /path", e.g. "GET /api/v1/tenant". */
export type Route = { [P in keyof paths]: { [M in Method]: [paths[P][M]] extends [undefined] ? never : `${Uppercase<M>} ${P & string}` }[Method] }[keyof paths];
type Operation<R extends Route> = R extends `${infer M} ${infer P}` ? NonNullable<paths[P & keyof paths][Lowercase<M> & Method]> : never;
type Params<R extends Route, Where extends 'path' | 'query'> = Operation<R> extends { parameters: { [K in Where]?: infer X } } ? ([X] extends [undefined] ? Record<string, never> : NonNullable<X>) : Record<string, never>;
type Content<C> = C extends { content: infer X } ? (X extends { 'application/json': infer J } ? J : X extends { 'multipart/form-data': unknown } ? FormData : string) : null;
type Success<S> = S extends { 200: infer X } ? Content<X> : S extends { 201: infer X } ? Content<X> : S extends { 202: infer X } ? Content<X> : S extends { 204: unknown } ? null : null;
/** The success response body of a route. */
export type Response<R extends Route> = Success<Operation<R>['responses']>;
/** The JSON body a route takes. */
export type Body<R extends Route> = Operation<R> extends { requestBody?: infer B } ? ([B] extends [undefined] ? undefined : Content<NonNullable<B>>) : undefined;
type Endpoint<R extends Route> = { path: Params<R, 'path'>; query: Params<R, 'query'>; body: Body<R> };

type Input<E extends { path: unknown; query: unknown; body: unknown }> =
  (Record<string, never> extends E['path'] ? { path?: E['path'] } : { path: E['path'] }) &
  { query?: E['query'] } &
  ([E['body']] extends [undefined] ? { body?: undefined } : { body: E['body'] });
type Args<R extends Route> = Record<string, never> extends Input<Endpoint<R>> ? [input?: Input<Endpoint<R>>] : [input: Input<Endpoint<R>>];

/** An error answered by the API (its stable `code`), or `network` when the server could not be reached. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  constructor(code: string, message: string, status: number, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** The first invalid field the server named (`details.fields[0].field` or `details.field`), if any. */
  get field(): string | undefined {
    const d = this.details as { field?: unknown; fields?: { field?: unknown }[] } | undefined;
    const f = d?.fields?.[0]?.field ?? d?.field;
    return typeof f === 'string' ? f.replace(/^body\./, '') : undefined;
  }
}

const state: { csrfToken: string; tenant: string; onUnauthenticated: () => void } = {
  csrfToken: '',
  tenant: '',
  onUnauthenticated: () => {},
};

/** Remembers the CSRF token that changing requests must carry (from sign-in or /auth/me). */
export function setCsrfToken(token: string): void {
  state.csrfToken = token;
}

/** For platform admins: the tenant slug sent as X-Tenant so tenant pages act on that tenant ('' for none). */
export function setActingTenant(slug: string): void {
  state.tenant = slug;
}

/** Called whenever the API says the session has ended (except on the sign-in call itself). */
export function onUnauthenticated(handler: () => void): void {
  state.onUnauthenticated = handler;
}

function url(path: string, params: Record<string, unknown> | undefined, query: Record<string, unknown> | undefined): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name] ?? '')));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  const s = q.toString();
  return s ? `${filled}?${s}` : filled;
}

/** Calls a route: `call('GET /api/v1/audit', { query: { limit: 50 } })`. Throws ApiError on failure. */
export async function call<R extends Route>(route: R, ...[input]: Args<R>): Promise<Response<R>> {
  return send(route, input ?? {}) as Promise<Response<R>>;
}

/** Posts a multipart form (file uploads, with the route's path parameters); the OpenAPI document describes no body for such routes. */
export async function upload<R extends Route>(route: R, form: FormData, path?: Record<string, string>): Promise<Response<R>> {
  return send(route, { body: form, path }) as Promise<Response<R>>;
}

async function send(route: string, i: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown }): Promise<unknown> {
  const space = route.indexOf(' ');
  const method = route.slice(0, space);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = state.csrfToken;
  if (state.tenant) headers['x-tenant'] = state.tenant;
  let body: BodyInit | undefined;
  if (i.body instanceof FormData) body = i.body;
  else if (i.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(i.body);
  }
  let res: globalThis.Response;
  try {
    res = await fetch(url(route.slice(space + 1), i.path, i.query), { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError('network', (e as Error).message, 0);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const e = new ApiError(err?.code ?? 'internal', err?.message ?? (typeof data === 'string' && data ? data : res.statusText), res.status, err?.details);
    if (e.code === 'unauthenticated' && route !== 'POST /api/v1/auth/signin') state.onUnauthenticated();
    throw e;
  }
  return data;
}

/** Downloads a GET route's response as a file (with the same headers as `call`, so X-Tenant works too). */
export async function download<R extends Route>(route: R, filename: string, ...[input]: Args<R>): Promise<void> {
  const i = (input ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown> };
  const headers: Record<string, string> = state.tenant ? { 'x-tenant': state.tenant } : {};
  // A file is written in the console's language (headers, statuses, reasons).
  const query = { lang: document.documentElement.lang || 'zh-CN', ...i.query };
  const res = await fetch(url(route.slice(route.indexOf(' ') + 1), i.path, query), { headers, credentials: 'same-origin' }).catch((e: Error) => {
    throw new ApiError('network', e.message, 0);
  });
  if (!res.ok) {
    const err = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(err?.code ?? 'internal', err?.message ?? res.statusText, res.status, err?.details);
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
