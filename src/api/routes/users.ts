import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { canAssignRole, tenantRoles } from '../../domain/access.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { hashPassword } from '../../domain/secrets.ts';
import { createUser, findTenantUser, findUserForSignin, listUsers, updateUser, type User } from '../../store/repos/users.ts';
import { deleteUserSessions } from '../../store/repos/sessions.ts';
import { audit } from '../../store/repos/audit.ts';

/** A user as the API shows it. */
export const userSchema = z.object({
  id: z.string(), tenantId: z.string().nullable(), email: z.string(), name: z.string(), role: z.string(),
  language: z.string(), createdAt: z.string(), lastLoginAt: z.string().nullable(), disabledAt: z.string().nullable(),
});

/** Languages of the console. */
export const languages = ['zh-CN', 'en', 'ru'] as const;

const idParams = z.object({ id: z.string().min(1) });

/** Tenant users and roles: list, invite with a password, change role, disable. */
export function userRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  app.get('/api/v1/users', {
    schema: { tags: ['users'], summary: 'List the users of the tenant', response: { 200: z.object({ users: z.array(userSchema) }) } },
    config: { permission: 'manage' },
  }, async (request) => ({ users: await listUsers(db, tenantOf(request)) }));

  app.post('/api/v1/users', {
    schema: {
      tags: ['users'], summary: 'Create a user in the tenant',
      body: z.object({ email: z.string().email(), name: z.string().max(200).optional(), role: z.enum(tenantRoles), password: z.string().min(8).max(256), language: z.enum(languages).optional() }),
      response: { 201: userSchema },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const b = request.body;
    if (!canAssignRole(request.auth!.role, b.role)) throw new DomainError('forbidden', `role ${request.auth!.role} may not create a user with role ${b.role}`);
    const holder = await findUserForSignin(db, b.email);
    // Sign-in emails are unique on the platform; whether one is used by another tenant (or the platform) is not told.
    if (holder?.tenantId === tenantId) throw new DomainError('conflict', `${b.email} is already a user of this tenant`, { field: 'email' });
    if (holder) throw new DomainError('conflict', `${b.email} cannot be used for a new user; use another address`, { field: 'email' });
    const user = await createUser(db, { tenantId, email: b.email, name: b.name, role: b.role, passwordHash: await hashPassword(b.password), language: b.language });
    await audit(db, tenantId, actorOf(request), 'user.create', user.id, { email: user.email, role: user.role });
    return reply.status(201).send(user);
  });

  app.patch('/api/v1/users/:id', {
    schema: {
      tags: ['users'], summary: 'Change a user’s role, name or disabled state', params: idParams,
      body: z.object({ role: z.enum(tenantRoles).optional(), name: z.string().max(200).optional(), disabled: z.boolean().optional() }),
      response: { 200: userSchema },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const actor = request.auth!.role;
    const user = await findTenantUser(db, tenantId, request.params.id);
    if (!user) throw notFound('user');
    const b = request.body;
    if (user.role !== 'platform' && !canAssignRole(actor, user.role)) throw new DomainError('forbidden', `role ${actor} may not change a user with role ${user.role}`);
    if (b.role && !canAssignRole(actor, b.role)) throw new DomainError('forbidden', `role ${actor} may not give role ${b.role}`);
    await updateUser(db, tenantId, user.id, b);
    if (b.disabled) await deleteUserSessions(db, user.id);
    if (b.role && b.role !== user.role) await audit(db, tenantId, actorOf(request), 'user.role', user.id, { from: user.role, to: b.role });
    if (b.disabled !== undefined) await audit(db, tenantId, actorOf(request), b.disabled ? 'user.disable' : 'user.enable', user.id);
    return (await findTenantUser(db, tenantId, user.id)) as User;
  });
}
