import { describe, expect, it } from 'vitest';
import { LinkCache } from './link-cache.ts';
import type { LinksTable } from '../store/database.ts';

const linkOf = (code: string): LinksTable => ({
  code, tenant_id: `t-${code}`, url: `https://shop.example/${code}`, campaign_id: null, message_id: null, phone: null, created_at: '2026-01-01T00:00:00.000Z', expires_at: '2099-01-01T00:00:00.000Z',
});

describe('the link cache of the redirect', () => {
  it('reads the misses of one turn in one load, shares a read between requests of one code, and keeps only known codes', async () => {
    const loads: string[][] = [];
    const cache = new LinkCache(async (codes) => { loads.push([...codes]); return codes.filter((c) => c !== 'nope').map(linkOf); });
    const got = await Promise.all(['a', 'b', 'a', 'nope', 'c'].map((c) => cache.get(c)));
    expect(loads).toEqual([['a', 'b', 'nope', 'c']]);
    expect(got.map((l) => l?.url)).toEqual(['https://shop.example/a', 'https://shop.example/b', 'https://shop.example/a', undefined, 'https://shop.example/c']);
    expect(got[0]!.tenant_id).toBe('t-a');
    expect(cache.size).toBe(3);
    // a hit is answered from memory, synchronously; the unknown code is read again
    expect(cache.get('b')).toEqual(linkOf('b'));
    await cache.get('nope');
    expect(loads).toEqual([['a', 'b', 'nope', 'c'], ['nope']]);
  });

  it('reads again once an entry is older than its ttl, and a failed read fails its requests without poisoning the next', async () => {
    let fail = true;
    let reads = 0;
    const cache = new LinkCache(async (codes) => {
      reads++;
      if (fail) throw new Error('database down');
      return codes.map(linkOf);
    }, { maxEntries: 2, ttlMs: 1000 });
    await expect(Promise.all([cache.get('a'), cache.get('b')])).rejects.toThrow('database down');
    fail = false;
    expect((await cache.get('a'))?.code).toBe('a');
    expect(reads).toBe(2);
    expect(cache.get('a', Date.now() + 5000)).toBeInstanceOf(Promise);
    await Promise.all([cache.get('b'), cache.get('c')]);
    // bounded: the least recently used goes
    expect(cache.size).toBe(2);
  });
});
