// Peak resident memory of this process while a scenario runs (sampled, since maxRSS spans the process life).

/** Starts sampling RSS every 50 ms; peak() returns the peak so far in MB, stop() the peak once sampling ends. */
export function trackPeakRss(): { peak(): number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const sofar = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
    return Math.round((peak / 1024 / 1024) * 10) / 10;
  };
  return {
    peak: sofar,
    stop() {
      clearInterval(timer);
      return sofar();
    },
  };
}
