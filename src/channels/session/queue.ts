// A FIFO queue with O(1) push and shift (arrays shift in O(n)).

/** FIFO queue backed by an array and a head index, compacted as it drains. */
export class Queue<T> {
  private items: T[] = [];
  private head = 0;

  /** Items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends at the tail. */
  push(item: T): void {
    this.items.push(item);
  }

  /** The head item without removing it. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns the head item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item matching the predicate, keeping order. */
  removeWhere(match: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    for (let i = this.head; i < this.items.length; i++) (match(this.items[i]) ? removed : kept).push(this.items[i]);
    this.items = kept;
    this.head = 0;
    return removed;
  }
}
