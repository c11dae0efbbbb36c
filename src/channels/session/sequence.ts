// Sequence numbers: increasing, wrapping back to the first value after the protocol's maximum.

/** A wrapping sequence counter (SMPP: 1..0x7FFFFFFF). */
export class Sequence {
  private value: number;

  constructor(
    private readonly first = 1,
    private readonly last = 0x7fffffff,
  ) {
    this.value = first - 1;
  }

  /** The next number, wrapping after `last`. */
  next(): number {
    this.value = this.value >= this.last ? this.first : this.value + 1;
    return this.value;
  }
}
