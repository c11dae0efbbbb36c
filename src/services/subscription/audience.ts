// A subscription list as a campaign audience: its active members (joined, not left, not expired), each a contact of
// the tenant (a member who is not one yet becomes one), so a broadcast to a list is an ordinary campaign with the
// same pre-flight, consent and caps.
import type { Deps } from '../../deps.ts';
import { DomainError } from '../../domain/errors.ts';
import { contactRow, type ContactFilter } from '../../store/repos/contacts.ts';
import { membersWithoutContact, subscriberFilter } from '../../store/repos/services.ts';

/** The contact filter of "subscribers of these lists" (ids or names of subscription services in list mode). */
export async function subscribersFilter(deps: Deps, tenantId: string, lists: string[]): Promise<ContactFilter> {
  const db = deps.store.db;
  const rows = await db.selectFrom('services').select(['id', 'name', 'config']).where('tenant_id', '=', tenantId).where('type', '=', 'subscription').execute();
  const ids: string[] = [];
  for (const l of lists) {
    const hits = rows.filter((r) => r.id === l || r.name === l);
    if (!hits.length) throw new DomainError('invalid_request', `subscription list "${l}" does not exist`, { field: 'audience.lists' });
    if (hits.length > 1) throw new DomainError('invalid_request', `several subscription lists are named "${l}": give its id`, { field: 'audience.lists' });
    const mode = (JSON.parse(hits[0].config) as { mode?: string }).mode ?? 'list';
    if (mode !== 'list') throw new DomainError('invalid_request', `"${l}" is an on-demand service, not a list with members`, { field: 'audience.lists' });
    ids.push(hits[0].id);
  }
  const now = deps.now().toISOString();
  const missing = (await membersWithoutContact(db, deps.store.dialect, tenantId, ids, now)).filter((p) => /^\+\d{6,15}$/.test(p));
  for (let at = 0; at < missing.length; at += 500) {
    await db.insertInto('contacts').values(missing.slice(at, at + 500).map((phone) => contactRow(tenantId, { phone }, now)))
      .onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing()).execute();
  }
  return subscriberFilter(deps.store.dialect, tenantId, ids, now);
}
