import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, type Permission, type Role } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { apiKeyPrefix, sameSecret, tokenHash } from '../../domain/secrets.ts';
import { touchApiKey } from '../../store/repos/apikeys.ts';
import { findSession } from '../../store/repos/sessions.ts';
import { findTenantBySlug } from '../../store/repos/tenants.ts';
import { findUser } from '../../store/repos/users.ts';
import type { Actor } from '../../store/repos/audit.ts';
import type { Deps } from '../../deps.ts';
import type { Lookups } from '../lookups.ts';

/** Who is calling: resolved once per request from the bearer key or the console session cookie. */
export interface Auth {
  via: 'apikey' | 'session';
  role: Role;
  /** The tenant acted on: the principal's own, or for platform admins the one named by the X-Tenant header. */
  tenantId: string | null;
  userId: string | null;
  keyId: string | null;
  sessionId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest { auth: Auth | null }
  interface FastifyContextConfig { permission?: Permission | 'public' }
}

/** Name of the console session cookie. */
export const sessionCookie = 'tidings_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const keyTouchMs = 60_000;

/** Checks every /api/v1 request against the permission its route declares (`config.permission`). */
export function registerAuth(app: FastifyInstance, deps: Deps, lookups: Lookups): void {
  const touched = new Map<string, number>();
  app.decorateRequest('auth', null);
  app.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (!permission || permission === 'public') return;
    const auth = await authenticate(request, deps, lookups, touched);
    if (!can(auth.role, permission)) {
      throw new DomainError('forbidden', `role ${auth.role} may not ${permission === 'platform' ? 'use platform administration' : permission}`);
    }
    request.auth = auth;
  });
}

async function authenticate(request: FastifyRequest, deps: Deps, lookups: Lookups, touched: Map<string, number>): Promise<Auth> {
  const db = deps.store.db;
  const header = request.headers.authorization;
  let auth: Auth;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const prefix = m ? apiKeyPrefix(m[1]) : null;
    if (!m || !prefix) throw new DomainError('unauthenticated', 'Authorization must be "Bearer <api key>"');
    const key = await lookups.apiKey(prefix);
    if (!key || !sameSecret(key.hash, tokenHash(m[1]))) throw new DomainError('unauthenticated', 'invalid API key');
    if (key.revokedAt) throw new DomainError('unauthenticated', 'this API key was revoked');
    const now = Date.now();
    if ((touched.get(key.id) ?? 0) < now - keyTouchMs) {
      touched.set(key.id, now);
      await touchApiKey(db, key.id, new Date(now).toISOString());
    }
    auth = { via: 'apikey', role: key.role, tenantId: key.tenantId, userId: null, keyId: key.id, sessionId: null };
  } else {
    const token = request.cookies[sessionCookie];
    if (!token) throw new DomainError('unauthenticated', 'sign in, or send "Authorization: Bearer <api key>"');
    const session = await findSession(db, tokenHash(token), deps.now().toISOString());
    const user = session && await findUser(db, session.userId);
    if (!session || !user || user.disabledAt) throw new DomainError('unauthenticated', 'your session has ended; sign in again');
    if (unsafeMethods.has(request.method) && !sameSecret(String(request.headers['x-csrf-token'] ?? ''), session.csrfToken)) {
      throw new DomainError('csrf_failed', 'missing or wrong X-CSRF-Token header');
    }
    auth = { via: 'session', role: user.role, tenantId: user.tenantId, userId: user.id, keyId: null, sessionId: session.id };
  }
  if (auth.role !== 'platform' && auth.tenantId) {
    const tenant = await lookups.tenant(auth.tenantId);
    if (!tenant || tenant.status !== 'active') throw new DomainError('forbidden', 'this tenant is suspended; contact the platform operator');
  }
  if (auth.role === 'platform') {
    const slug = request.headers['x-tenant'];
    if (typeof slug === 'string' && slug) {
      const tenant = await findTenantBySlug(db, slug);
      if (!tenant) throw new DomainError('not_found', `tenant ${slug} not found`);
      auth.tenantId = tenant.id;
    }
  }
  return auth;
}

/** The tenant a tenant-scoped route acts on; platform principals must name one with X-Tenant. */
export function tenantOf(request: FastifyRequest): string {
  const tenantId = request.auth?.tenantId;
  if (!tenantId) throw new DomainError('invalid_request', 'this resource belongs to a tenant: platform credentials must send the X-Tenant header with the tenant slug');
  return tenantId;
}

/** The audit actor of a request. */
export function actorOf(request: FastifyRequest): Actor {
  const a = request.auth;
  if (!a) return { type: 'system', id: null, ip: request.ip };
  return a.via === 'apikey' ? { type: 'apikey', id: a.keyId, ip: request.ip } : { type: 'user', id: a.userId, ip: request.ip };
}
