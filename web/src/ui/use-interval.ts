// Repeating work while a page is open, e.g. refreshing a running campaign.
import { useEffect, useRef } from 'react';

/** Calls `fn` every `ms` milliseconds while `active`; stops when the page closes. */
export function useInterval(fn: () => void, ms: number, active = true): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => ref.current(), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}
