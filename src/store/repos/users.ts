import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import type { Role } from '../../domain/access.ts';

/** A user without the password hash. */
export interface User { id: string; tenantId: string | null; email: string; name: string; role: Role; language: string; createdAt: string; lastLoginAt: string | null; disabledAt: string | null }

type Row = { id: string; tenant_id: string | null; email: string; name: string; role: string; language: string; created_at: string; last_login_at: string | null; disabled_at: string | null };
const columns = ['id', 'tenant_id', 'email', 'name', 'role', 'language', 'created_at', 'last_login_at', 'disabled_at'] as const;

function toUser(r: Row): User {
  return { id: r.id, tenantId: r.tenant_id, email: r.email, name: r.name, role: r.role as Role, language: r.language, createdAt: r.created_at, lastLoginAt: r.last_login_at, disabledAt: r.disabled_at };
}

/** Creates a user; tenantId null with role 'platform' makes a platform admin. Emails are stored lowercased. */
export async function createUser(db: Db, input: { tenantId: string | null; email: string; name?: string; role: Role; passwordHash: string; language?: string }): Promise<User> {
  const now = new Date().toISOString();
  const row = { id: newId(), tenant_id: input.tenantId, email: input.email.trim().toLowerCase(), name: input.name ?? input.email, role: input.role, password_hash: input.passwordHash, language: input.language ?? 'zh-CN', created_at: now, updated_at: now, last_login_at: null, disabled_at: null };
  await db.insertInto('users').values(row).execute();
  return toUser(row);
}

/** Finds a user and the password hash by email, for sign-in. */
export async function findUserForSignin(db: Db, email: string): Promise<(User & { passwordHash: string }) | undefined> {
  const r = await db.selectFrom('users').select(columns).select('password_hash').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return r && { ...toUser(r), passwordHash: r.password_hash };
}

/** Finds a user by id (any tenant: callers check the tenant). */
export async function findUser(db: Db, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

/** Finds a user of one tenant by id. */
export async function findTenantUser(db: Db, tenantId: string, id: string): Promise<User | undefined> {
  const r = await db.selectFrom('users').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

/** Lists the users of a tenant. */
export async function listUsers(db: Db, tenantId: string): Promise<User[]> {
  return (await db.selectFrom('users').select(columns).where('tenant_id', '=', tenantId).orderBy('email').execute()).map(toUser);
}

/** Whether any platform admin exists. */
export async function hasPlatformAdmin(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').where('role', '=', 'platform').executeTakeFirst());
}

/** Changes a tenant user's role or disabled state. */
export async function updateUser(db: Db, tenantId: string | null, id: string, patch: { role?: Role; name?: string; language?: string; disabled?: boolean; passwordHash?: string }): Promise<void> {
  let q = db.updateTable('users').set({
    ...(patch.role !== undefined && { role: patch.role }),
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.language !== undefined && { language: patch.language }),
    ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
    ...(patch.disabled !== undefined && { disabled_at: patch.disabled ? new Date().toISOString() : null }),
    updated_at: new Date().toISOString(),
  }).where('id', '=', id);
  q = tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
  await q.execute();
}

/** Records a successful sign-in. */
export async function touchLogin(db: Db, id: string): Promise<void> {
  await db.updateTable('users').set({ last_login_at: new Date().toISOString() }).where('id', '=', id).execute();
}
