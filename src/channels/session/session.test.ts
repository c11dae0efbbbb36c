import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { Framer } from './framer.ts';
import { PduError } from './pdu-error.ts';
import { Queue } from './queue.ts';
import { CongestionWindow, RateLimiter } from './rate.ts';
import { Sequence } from './sequence.ts';
import { Window } from './window.ts';

function frame(body: string): Buffer {
  const b = Buffer.alloc(4 + body.length);
  b.writeUInt32BE(b.length, 0);
  b.write(body, 4, 'latin1');
  return b;
}

describe('Framer', () => {
  it('reassembles frames split across chunks and splits frames sharing one', () => {
    const stream = Buffer.concat([frame('hello-world'), frame('x'), frame('third frame')]);
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new Framer(5, 100);
      const got: string[] = [];
      framer.push(stream.subarray(0, cut), (f) => got.push(f.toString('latin1', 4)));
      framer.push(stream.subarray(cut), (f) => got.push(f.toString('latin1', 4)));
      expect(got).toEqual(['hello-world', 'x', 'third frame']);
      expect(framer.buffered).toBe(0);
    }
  });

  it('rejects absurd lengths as fatal', () => {
    const framer = new Framer(16, 1000);
    expect(() => framer.push(Buffer.from('GET / HTTP/1.1\r\n'), () => undefined)).toThrow(PduError);
    try {
      new Framer(16, 1000).push(Buffer.from([0, 0, 0, 3]), () => undefined);
    } catch (err) {
      expect((err as PduError).fatal).toBe(true);
    }
  });
});

describe('Sequence', () => {
  it('wraps after the last value back to the first', () => {
    const s = new Sequence(1, 3);
    expect([s.next(), s.next(), s.next(), s.next()]).toEqual([1, 2, 3, 1]);
  });
});

describe('Window', () => {
  it('counts slots, settles by sequence and times out oldest first', async () => {
    const w = new Window<string>(2, 100);
    const a = w.add(1, true, 0);
    const b = w.add(2, true, 50);
    const k = w.add(3, false, 60);
    expect(w.free).toBe(0);
    expect(w.settle(2, 'two')).toBe(true);
    expect(w.settle(2, 'again')).toBe(false);
    await expect(b).resolves.toBe('two');
    expect(w.expire(120)).toEqual({ expired: 1, keepalives: 0 });
    await expect(a).rejects.toMatchObject({ kind: 'retryable', code: 'timeout' });
    expect(w.expire(200)).toEqual({ expired: 1, keepalives: 1 });
    await expect(k).rejects.toMatchObject({ code: 'timeout' });
    expect(w.free).toBe(2);
  });
});

describe('rate and congestion', () => {
  it('lets a burst through, then asks to wait; unlimited never waits', () => {
    const r = new RateLimiter(100);
    expect(r.take(10, 1000)).toBe(0);
    expect(r.take(1, 1000)).toBeGreaterThan(0);
    expect(r.take(1, 1020)).toBe(0);
    expect(new RateLimiter(0).take(1000, 0)).toBe(0);
  });

  it('halves on throttling and recovers over time', () => {
    const r = new RateLimiter(100);
    r.throttle(0);
    expect(r.rate).toBe(50);
    r.take(1, 2000);
    expect(r.rate).toBe(70);
    r.take(1, 10_000);
    expect(r.rate).toBe(100);
  });

  it('shrinks the window on throttling and grows it back one slot per window of successes', () => {
    const c = new CongestionWindow(8);
    c.throttle();
    c.throttle();
    expect(c.limit).toBe(2);
    expect([c.success(), c.success()]).toEqual([false, true]);
    expect(c.limit).toBe(3);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(500);
  });
});

describe('Queue', () => {
  it('is FIFO across compaction', () => {
    const q = new Queue<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 3000; i++) expect(q.shift()).toBe(i);
    expect(q.length).toBe(2000);
    expect(q.removeWhere((n) => n % 2 === 0)).toHaveLength(1000);
    expect(q.peek()).toBe(3001);
  });
});
