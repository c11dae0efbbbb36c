// Fresh planner statistics on PostgreSQL without waiting for autovacuum: a worker looks every few seconds for tables
// that changed by more than a tenth since their last analysis (a campaign's messages, an import's contacts) and
// analyses them. Nothing on SQLite.
import type { Deps } from '../deps.ts';
import { refreshStatistics } from '../store/statistics.ts';

/** Starts the keeper (PostgreSQL and `pgAnalyzeSeconds` > 0 only); stop() waits for an analysis under way. */
export function startStatisticsKeeper(deps: Deps): { stop(): Promise<void> } {
  const seconds = deps.config.pgAnalyzeSeconds;
  if (deps.store.dialect !== 'postgres' || seconds === 0) return { stop: async () => undefined };
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= refreshStatistics(deps.store)
      .then((tables) => { if (tables.length) deps.log.debug({ tables }, 'planner statistics refreshed'); })
      .catch((err: unknown) => deps.log.warn({ err }, 'refreshing planner statistics failed'))
      .finally(() => { running = null; });
  }, seconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
