// Who is signed in, which tenant the console acts on, and what their role allows.
import { createContext, useContext, type ReactNode } from 'react';
import type { Response } from './api.ts';
import { can, type Permission, type Role } from '../../src/domain/access.ts';

/** The signed-in user and their tenant, as /auth/me answers. */
export type Me = Response<'GET /api/v1/auth/me'>;

/** The session as pages see it. */
export interface Session {
  me: Me;
  role: Role;
  /** The tenant pages act on: the user's own, or the one a platform admin picked (null: none picked). */
  tenant: { slug: string; name: string } | null;
  /** Whether the role grants a permission (the same table the server checks). */
  can(permission: Permission): boolean;
  /** For platform admins: act on this tenant ('' for none). */
  actOn(tenant: { slug: string; name: string } | null): void;
  signOut(): Promise<void>;
}

const Context = createContext<Session | null>(null);

/** Provides the session to the pages. */
export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The current session (only inside the signed-in console). */
export function useSession(): Session {
  const s = useContext(Context);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Builds the permission check of a role. */
export function permits(role: Role): (p: Permission) => boolean {
  return (p) => can(role, p);
}
