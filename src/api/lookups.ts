import type { Db } from '../store/database.ts';
import { findApiKeyByPrefix, type ApiKey } from '../store/repos/apikeys.ts';
import { findTenant, type Tenant } from '../store/repos/tenants.ts';

/** How long a looked-up key or tenant is trusted: changes made by another process take effect within this time. */
export const lookupTtlMs = 200;
const maxEntries = 10_000;

/** Found values kept for a short time; concurrent misses share one load; nothing is kept for a miss. */
class ShortCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private readonly loading = new Map<string, Promise<V | undefined>>();

  constructor(private readonly load: (key: string) => Promise<V | undefined>) {}

  async get(key: string): Promise<V | undefined> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(key).then((value) => {
        if (this.loading.get(key) === pending && value !== undefined) {
          if (this.entries.size >= maxEntries) this.entries.clear();
          this.entries.set(key, { value, until: Date.now() + lookupTtlMs });
        }
        return value;
      }).finally(() => { if (this.loading.get(key) === pending) this.loading.delete(key); });
      this.loading.set(key, pending);
    }
    return pending;
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }
}

/**
 * What every API request looks up — the API key presented and the tenant acted on — kept for {@link lookupTtlMs};
 * revoking a key or changing a tenant through this process forgets the entry at once.
 */
export class Lookups {
  private readonly keys: ShortCache<ApiKey & { hash: string }>;
  private readonly tenants: ShortCache<Tenant>;

  constructor(db: Db) {
    this.keys = new ShortCache((prefix) => findApiKeyByPrefix(db, prefix));
    this.tenants = new ShortCache((id) => findTenant(db, id));
  }

  /** The API key with this visible prefix and its hash, for authentication. */
  apiKey(prefix: string): Promise<(ApiKey & { hash: string }) | undefined> {
    return this.keys.get(prefix);
  }

  /** The tenant with this id (its balance may be stale: never decide on it). */
  tenant(id: string): Promise<Tenant | undefined> {
    return this.tenants.get(id);
  }

  /** Forgets a key after it was revoked. */
  forgetApiKey(prefix: string): void {
    this.keys.forget(prefix);
  }

  /** Forgets a tenant after its status or settings changed. */
  forgetTenant(id: string): void {
    this.tenants.forget(id);
  }
}
