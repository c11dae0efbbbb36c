/** Roles of a user inside a tenant, from most to least powerful. */
export const tenantRoles = ['owner', 'admin', 'operator', 'viewer'] as const;
/** A role inside a tenant. */
export type TenantRole = (typeof tenantRoles)[number];
/** Any role a principal can hold: a tenant role or the platform operator. */
export type Role = TenantRole | 'platform';

/** What a request wants to do; each route declares one. */
export type Permission = 'read' | 'send' | 'import' | 'manage' | 'manage-users' | 'platform';

const grants: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(['read']),
  operator: new Set(['read', 'send', 'import']),
  admin: new Set(['read', 'send', 'import', 'manage']),
  owner: new Set(['read', 'send', 'import', 'manage', 'manage-users']),
  platform: new Set(['read', 'send', 'import', 'manage', 'manage-users', 'platform']),
};

/** Whether a role grants a permission. */
export function can(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}

/** Whether an actor of role `actor` may give or take away role `target` (admins may not create owners). */
export function canAssignRole(actor: Role, target: TenantRole): boolean {
  if (actor === 'platform' || actor === 'owner') return true;
  return actor === 'admin' && target !== 'owner';
}
