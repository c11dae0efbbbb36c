import type { Db } from '../database.ts';

/** A console session row keyed by the SHA-256 of its cookie token. */
export interface Session { id: string; userId: string; csrfToken: string; expiresAt: string }

/** Stores a new session. */
export async function insertSession(db: Db, s: Session & { ip: string | null; userAgent: string | null }): Promise<void> {
  const now = new Date().toISOString();
  await db.insertInto('sessions').values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, created_at: now, expires_at: s.expiresAt, last_seen_at: now, ip: s.ip, user_agent: s.userAgent }).execute();
}

/** Finds an unexpired session. */
export async function findSession(db: Db, id: string, now: string): Promise<Session | undefined> {
  const r = await db.selectFrom('sessions').select(['id', 'user_id', 'csrf_token', 'expires_at']).where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
  return r && { id: r.id, userId: r.user_id, csrfToken: r.csrf_token, expiresAt: r.expires_at };
}

/** Ends a session. */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a user (password change, disable). */
export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Removes expired sessions. */
export async function purgeExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
