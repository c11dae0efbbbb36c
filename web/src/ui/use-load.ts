// Loading data for a page: the result, the error, and a way to load again.
import { useCallback, useEffect, useRef, useState } from 'react';

/** What useLoad returns. */
export interface Loaded<D> { data: D | undefined; error: unknown; loading: boolean; reload(): void }

/** Runs `load` on mount and whenever `deps` change; `reload()` runs it again and keeps the old data meanwhile. */
export function useLoad<D>(load: () => Promise<D>, deps: unknown[]): Loaded<D> {
  const [data, setData] = useState<D>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (d) => { if (live) { setData(d); setError(undefined); setLoading(false); } },
      (e: unknown) => { if (live) { setError(e); setLoading(false); } },
    );
    return () => { live = false; };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, loading, reload };
}
