// Contacts: find one by number in any format, or iterate the phonebook.
import type { Tidings } from './client.ts';
import { unwrap } from './client.ts';
import { paginate } from './pagination.ts';
import type { Contact, ContactQuery } from './types.ts';

/** `tidings.contacts`: find and list contacts. */
export class Contacts {
  constructor(private readonly t: Tidings) {}

  /** The contact with this number (any format the tenant's country allows), or null. */
  async findByPhone(phone: string): Promise<Contact | null> {
    const r = unwrap(await this.t.api.GET('/api/v1/contacts', { params: { query: { phone } } }));
    return r.contacts[0] ?? null;
  }

  /** Every contact (optionally filtered by the segment language), page by page (`pageSize` per request, default 500). */
  list(query: ContactQuery & { pageSize?: number } = {}): AsyncGenerator<Contact, void, undefined> {
    const { pageSize = 500, ...filters } = query;
    return paginate(async (after) => {
      const r = unwrap(await this.t.api.GET('/api/v1/contacts', { params: { query: { ...filters, limit: pageSize, after } } }));
      return { items: r.contacts, next: r.next };
    });
  }
}
