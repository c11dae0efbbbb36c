// YYMMDDhhmm timestamps of receipts, made once a minute rather than once per receipt.

/** A formatter of YYMMDDhhmm in the time zone `offsetHours` east of UTC; it keeps the string of the last minute asked for. */
export function minuteStamp(offsetHours: number): (ms: number) => string {
  const offsetMs = offsetHours * 3_600_000;
  let minute = -1;
  let cached = '';
  return (ms) => {
    const m = Math.floor(ms / 60_000);
    if (m !== minute) {
      minute = m;
      cached = new Date(m * 60_000 + offsetMs).toISOString().replace(/\D/g, '').slice(2, 12);
    }
    return cached;
  };
}
