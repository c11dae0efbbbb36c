import type { Deps } from '../deps.ts';
import type { Audience } from '../domain/campaigns.ts';
import { DomainError } from '../domain/errors.ts';
import { countContacts, type ContactFilter } from '../store/repos/contacts.ts';
import { findGroupByName, getGroup } from '../store/repos/groups.ts';
import { getSegment, segmentFilter } from '../store/repos/segments.ts';
import { subscribersFilter } from '../services/subscription/audience.ts';

/**
 * The contact filter of an audience: members of any of its groups (by id or name) OR active subscribers of any of
 * its lists OR matching its segment or filter; null when the audience is only inline numbers. Unknown groups,
 * lists or segments are a clear error.
 */
export async function audienceFilter(deps: Deps, tenantId: string, audience: Audience): Promise<ContactFilter | null> {
  const db = deps.store.db;
  const parts: ContactFilter[] = [];
  if (audience.groups?.length) {
    const ids: string[] = [];
    for (const g of audience.groups) {
      const group = (await getGroup(db, tenantId, g)) ?? (await findGroupByName(db, tenantId, g));
      if (!group) throw new DomainError('invalid_request', `group "${g}" does not exist`, { field: 'audience.groups' });
      ids.push(group.id);
    }
    // `exists` probes each contact in id order (a page reads one page of members); `id in (members)` would list every
    // member of the groups again for each page
    parts.push((eb) => eb.exists(eb.selectFrom('contact_groups').select('contact_groups.contact_id').whereRef('contact_groups.contact_id', '=', 'contacts.id')
      .where('contact_groups.tenant_id', '=', tenantId).where('contact_groups.group_id', 'in', ids)));
  }
  if (audience.lists?.length) parts.push(await subscribersFilter(deps, tenantId, audience.lists));
  for (const text of [audience.segment ? (await getSegment(db, tenantId, audience.segment))?.filter ?? null : undefined, audience.filter]) {
    if (text === undefined) continue;
    if (text === null) throw new DomainError('invalid_request', `segment "${audience.segment}" does not exist`, { field: 'audience.segment' });
    parts.push(await segmentFilter(db, deps.store.dialect, tenantId, text, deps.now()));
  }
  if (!parts.length) return null;
  return (eb) => eb.or(parts.map((p) => p(eb)));
}

/** How many contacts an audience filter matches. */
export async function countAudience(deps: Deps, tenantId: string, filter: ContactFilter): Promise<number> {
  return countContacts(deps.store.db, tenantId, filter);
}
