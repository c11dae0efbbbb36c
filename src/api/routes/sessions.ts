import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { sessionCookie, actorOf } from '../plugins/auth.ts';
import { AttemptLimiter } from '../plugins/signin-limiter.ts';
import { userSchema, languages } from './users.ts';
import { DomainError } from '../../domain/errors.ts';
import { randomToken } from '../../domain/ids.ts';
import { hashPassword, tokenHash, verifyPassword } from '../../domain/secrets.ts';
import { findUser, findUserForSignin, touchLogin, updateUser } from '../../store/repos/users.ts';
import { deleteSession, deleteUserSessions, findSession, insertSession } from '../../store/repos/sessions.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';

const windowMs = 15 * 60_000;
let dummyHash: Promise<string> | undefined;
/** An argon2id hash of a random password, made once, to spend the same time on unknown emails. */
const unknownUserHash = () => (dummyHash ??= hashPassword(randomToken(24)));
const meSchema = z.object({
  user: userSchema,
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
  csrfToken: z.string(),
});

/** Console sign-in and sign-out with an HttpOnly SameSite cookie and a CSRF token; rate-limited. */
export function sessionRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const limiter = new AttemptLimiter(windowMs);
  const perAddress = deps.config.signinAttempts;
  // An email alone is locked only after many times the per-address allowance, from many addresses: one
  // attacker cannot lock the owner out, and a spread-out guessing attack is still capped.
  const perEmail = perAddress * 10;

  async function me(userId: string, csrfToken: string) {
    const user = (await findUser(db, userId))!;
    const tenant = user.tenantId ? await findTenant(db, user.tenantId) : undefined;
    return { user, tenant: tenant ? { id: tenant.id, slug: tenant.slug, name: tenant.name } : null, csrfToken };
  }

  app.post('/api/v1/auth/signin', {
    schema: { tags: ['auth'], summary: 'Sign in to the console', security: [], body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(256) }), response: { 200: meSchema } },
    config: { permission: 'public' },
  }, async (request, reply) => {
    const email = request.body.email.trim().toLowerCase();
    const keys = [`ip:${request.ip}`, `email:${email}:ip:${request.ip}`, `email:${email}`];
    if (limiter.blocked(keys[0], perAddress) || limiter.blocked(keys[1], perAddress) || limiter.blocked(keys[2], perEmail)) throw new DomainError('rate_limited', 'too many failed sign-ins; wait 15 minutes and try again');
    const user = await findUserForSignin(db, email);
    // Verify against a dummy hash for unknown emails too, so the answer time does not tell which emails exist.
    const ok = await verifyPassword(user?.passwordHash ?? await unknownUserHash(), request.body.password) && !!user && !user.disabledAt;
    if (!user || !ok) {
      keys.forEach((k) => limiter.fail(k));
      await audit(db, user?.tenantId ?? null, { type: 'user', id: user?.id ?? null, ip: request.ip }, 'signin.failed', null, { email });
      throw new DomainError('unauthenticated', 'wrong email or password');
    }
    limiter.reset(keys[1]);
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const expires = new Date(deps.now().getTime() + deps.config.sessionHours * 3600_000);
    await insertSession(db, { id: tokenHash(token), userId: user.id, csrfToken, expiresAt: expires.toISOString(), ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
    await touchLogin(db, user.id);
    await audit(db, user.tenantId, { type: 'user', id: user.id, ip: request.ip }, 'signin', user.id);
    reply.setCookie(sessionCookie, token, { httpOnly: true, sameSite: 'strict', secure: deps.config.secureCookies, path: '/', expires });
    return me(user.id, csrfToken);
  });

  app.post('/api/v1/auth/signout', {
    schema: { tags: ['auth'], summary: 'Sign out of the console', response: { 204: z.null() } },
    config: { permission: 'read' },
  }, async (request, reply) => {
    if (request.auth!.sessionId) await deleteSession(db, request.auth!.sessionId);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/v1/auth/me', {
    schema: { tags: ['auth'], summary: 'The signed-in user, their tenant and the CSRF token for changing requests', response: { 200: meSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const a = request.auth!;
    if (!a.userId) throw new DomainError('invalid_request', '/auth/me is for console sessions; API keys have no user');
    const session = await findSession(db, a.sessionId!, deps.now().toISOString());
    return me(a.userId, session!.csrfToken);
  });

  app.post('/api/v1/auth/profile', {
    schema: {
      tags: ['auth'], summary: 'Change your own language or password (the password change ends your other sessions)',
      body: z.object({ language: z.enum(languages).optional(), currentPassword: z.string().optional(), newPassword: z.string().min(8).max(256).optional() }),
      response: { 204: z.null() },
    },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const a = request.auth!;
    if (!a.userId) throw new DomainError('invalid_request', 'profile changes are for console sessions');
    const user = (await findUser(db, a.userId))!;
    const b = request.body;
    if (b.newPassword !== undefined) {
      const withHash = await findUserForSignin(db, user.email);
      if (!b.currentPassword || !withHash || !await verifyPassword(withHash.passwordHash, b.currentPassword)) {
        throw new DomainError('invalid_request', 'the current password is wrong', { field: 'currentPassword' });
      }
      await updateUser(db, user.tenantId, user.id, { passwordHash: await hashPassword(b.newPassword) });
      await deleteUserSessions(db, user.id);
      await audit(db, user.tenantId, actorOf(request), 'user.password', user.id);
    }
    if (b.language) await updateUser(db, user.tenantId, user.id, { language: b.language });
    return reply.status(204).send(null);
  });
}
