// ISO-8601 text of the hot path's clock readings, made once per millisecond.

/** Times as ISO-8601 text for one clock of the hot path, which asks many times per millisecond: the last answer is reused. */
export class IsoTimes {
  private ms = Number.NaN;
  private text = '';

  /** `at` as ISO-8601 text. */
  of(at: Date): string {
    const ms = at.getTime();
    if (ms !== this.ms) { this.ms = ms; this.text = at.toISOString(); }
    return this.text;
  }
}
