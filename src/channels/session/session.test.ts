import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { Framer } from './framer.ts';
import { PduError } from './pdu-error.ts';
import { Queue } from './queue.ts';
import { CongestionWindow, RateLimiter } from './rate.ts';
import { Sequence } from './sequence.ts';
import { Window } from './window.ts';
import { retryable } from '../errors.ts';

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
      const onFrame = (buf: Buffer, start: number, end: number) => got.push(buf.toString('latin1', start + 4, end));
      framer.push(stream.subarray(0, cut), onFrame);
      framer.push(stream.subarray(cut), onFrame);
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

  it('agrees with a Map of the same requests under any mix of sends, answers, timeouts and failures', () => {
    // runs of sequences, sequences whose slots collide around the end of the table, and the largest ones; time only moves forward
    const sequence = fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 0, max: 60 }).map((k) => 61 + (k % 5) + 64 * Math.floor(k / 5)),
      fc.constantFrom(0x7fffffff, 0xfffffffe, 0xffffffff),
    );
    const op = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('track' as const), sequence, counted: fc.boolean() }), weight: 6 },
      { arbitrary: fc.record({ kind: fc.constant('settle' as const), sequence }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('expire' as const), advance: fc.integer({ min: 0, max: 150 }) }), weight: 1 },
      { arbitrary: fc.constant({ kind: 'failAll' as const }), weight: 1 },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 400, size: 'max' }), (ops) => {
      const w = new Window<number>(1000, 100);
      const model = new Map<number, { id: number; deadline: number; counted: boolean }>();
      const told: string[] = [];
      const expected: string[] = [];
      let now = 0;
      let id = 0;
      for (const o of ops) {
        if (o.kind === 'track') {
          const mine = ++id;
          w.track(o.sequence, { onResponse: (r) => told.push(`${mine}=${r}`), onError: (e) => told.push(`${mine}!${e.code}`) }, o.counted, now);
          model.delete(o.sequence); // re-inserted at the end: a replaced request is never told
          model.set(o.sequence, { id: mine, deadline: now + 100, counted: o.counted });
        } else if (o.kind === 'settle') {
          const entry = model.get(o.sequence);
          model.delete(o.sequence);
          if (entry) expected.push(`${entry.id}=${o.sequence}`);
          expect(w.settle(o.sequence, o.sequence)).toBe(entry !== undefined);
        } else if (o.kind === 'expire') {
          now += o.advance;
          let keepalives = 0;
          let expired = 0;
          for (const [seq, entry] of model) {
            if (entry.deadline > now) continue;
            model.delete(seq);
            expired++;
            if (!entry.counted) keepalives++;
            expected.push(`${entry.id}!timeout`);
          }
          expect(w.expire(now)).toEqual({ expired, keepalives });
        } else {
          for (const entry of model.values()) expected.push(`${entry.id}!closed`);
          model.clear();
          w.failAll(retryable('gone', 'closed'));
        }
        expect(told).toEqual(expected);
        expect(w.size).toBe([...model.values()].filter((e) => e.counted).length);
      }
    }), { numRuns: 100 });
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
