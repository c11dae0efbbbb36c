// The code → link lookups of the redirect endpoint, kept in memory so a click costs no read of the database.
import type { LinksTable } from '../store/database.ts';

/** How a cache of links is bounded: entries kept at most, and how long one is trusted (ms). */
export interface LinkCacheLimits { maxEntries: number; ttlMs: number }

/**
 * A bounded LRU of links by code, each entry trusted for `ttlMs` (a link changed or deleted on another node is seen
 * after that). Keyed by the code alone, which is unguessable and unique on the platform: an entry is exactly the row
 * of that code, with its own tenant, so a cached answer can never be another tenant's link. Unknown codes are not
 * kept (a flood of made-up codes cannot push real links out). Concurrent misses of one code share one read.
 */
export class LinkCache {
  private readonly entries = new Map<string, { link: LinksTable; until: number }>();
  private readonly loading = new Map<string, Promise<LinksTable | undefined>>();

  constructor(private readonly load: (code: string) => Promise<LinksTable | undefined>, private readonly limits: LinkCacheLimits = { maxEntries: 100_000, ttlMs: 60_000 }) {}

  /** The link of a code, from memory when it was read less than `ttlMs` ago. */
  get(code: string, nowMs = Date.now()): LinksTable | Promise<LinksTable | undefined> {
    const hit = this.entries.get(code);
    if (hit && hit.until > nowMs) {
      // most recently used goes to the end of the map's order
      this.entries.delete(code);
      this.entries.set(code, hit);
      return hit.link;
    }
    if (hit) this.entries.delete(code);
    let pending = this.loading.get(code);
    if (!pending) {
      pending = this.load(code).then((link) => {
        if (link && this.loading.get(code) === pending) this.put(code, link, Date.now());
        return link;
      }).finally(() => { if (this.loading.get(code) === pending) this.loading.delete(code); });
      this.loading.set(code, pending);
    }
    return pending;
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  private put(code: string, link: LinksTable, nowMs: number): void {
    this.entries.set(code, { link, until: nowMs + this.limits.ttlMs });
    while (this.entries.size > this.limits.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
