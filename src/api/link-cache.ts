// The code → link lookups of the redirect endpoint, kept in memory so a click costs no read of the database.
import type { LinksTable } from '../store/database.ts';

/** How a cache of links is bounded: entries kept at most, and how long one is trusted (ms). */
export interface LinkCacheLimits { maxEntries: number; ttlMs: number }

/** Codes read from the database in one statement at most. */
const MAX_READ = 256;

/**
 * A bounded LRU of links by code, each entry trusted for `ttlMs` (a link changed or deleted on another node is seen
 * after that). Keyed by the code alone, which is unguessable and unique on the platform: an entry is exactly the row
 * of that code, with its own tenant, so a cached answer can never be another tenant's link. Unknown codes are not
 * kept (a flood of made-up codes cannot push real links out). Misses of one turn of the event loop are read together
 * (one statement for the clicks that arrived together); concurrent misses of one code share one read.
 */
export class LinkCache {
  private readonly entries = new Map<string, { link: LinksTable; until: number }>();
  private readonly loading = new Map<string, Promise<LinksTable | undefined>>();
  private next: { codes: string[]; found: Promise<Map<string, LinksTable>> } | null = null;

  constructor(private readonly load: (codes: string[]) => Promise<LinksTable[]>, private readonly limits: LinkCacheLimits = { maxEntries: 100_000, ttlMs: 60_000 }) {}

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
      const read = this.read(code).then((found) => {
        const link = found.get(code);
        if (this.loading.get(code) === read) {
          this.loading.delete(code);
          if (link) this.put(code, link, Date.now());
        }
        return link;
      }, (err: unknown) => {
        if (this.loading.get(code) === read) this.loading.delete(code);
        throw err;
      });
      this.loading.set(code, pending = read);
    }
    return pending;
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Adds a code to the read of this turn (after the I/O callbacks of the turn: setImmediate), starting one when needed. */
  private read(code: string): Promise<Map<string, LinksTable>> {
    if (!this.next || this.next.codes.length >= MAX_READ) {
      const codes: string[] = [];
      const found = new Promise<Map<string, LinksTable>>((resolve, reject) => setImmediate(() => {
        if (this.next?.codes === codes) this.next = null;
        this.load(codes).then((rows) => resolve(new Map(rows.map((r) => [r.code, r]))), reject);
      }));
      this.next = { codes, found };
    }
    this.next.codes.push(code);
    return this.next.found;
  }

  private put(code: string, link: LinksTable, nowMs: number): void {
    this.entries.set(code, { link, until: nowMs + this.limits.ttlMs });
    while (this.entries.size > this.limits.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
