/**
 * A set of positive whole numbers below 2^53 (E.164 numbers as numbers) in one open-addressing Float64Array:
 * 16–32 bytes a number and nothing for the garbage collector to trace, where a Set<number> of values beyond the
 * small-integer range costs a heap number and a hash entry each (~50 bytes, a million objects for a million rows).
 */
export class NumberSet {
  private slots: Float64Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 16) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.slots = new Float64Array(n);
    this.mask = n - 1;
  }

  /** How many numbers the set holds. */
  get size(): number {
    return this.count;
  }

  private static hash(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** Adds `key` (a whole number ≥ 1); answers false when it was already there. */
  add(key: number): boolean {
    if (!(key >= 1) || !Number.isSafeInteger(key)) throw new RangeError(`NumberSet holds whole numbers from 1 to 2^53: ${key}`);
    const { slots, mask } = this;
    let i = NumberSet.hash(key) & mask;
    for (;;) {
      const s = slots[i];
      if (s === key) return false;
      if (s === 0) break;
      i = (i + 1) & mask;
    }
    slots[i] = key;
    if (++this.count * 2 > slots.length) this.grow();
    return true;
  }

  /** Whether `key` is in the set. */
  has(key: number): boolean {
    const { slots, mask } = this;
    let i = NumberSet.hash(key) & mask;
    for (;;) {
      const s = slots[i];
      if (s === key) return true;
      if (s === 0) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const key of old) {
      if (key === 0) continue;
      let i = NumberSet.hash(key) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = key;
    }
  }
}
