// Fresh planner statistics on PostgreSQL without waiting for autovacuum: a worker looks every few seconds for tables
// that changed by more than a tenth since their last analysis (a campaign's messages, an import's contacts) and
// analyses them. Nothing on SQLite.
import type { Deps } from '../deps.ts';
import { refreshStatistics } from '../store/statistics.ts';
import { startRounds, type Rounds } from './rounds.ts';

/** Starts the keeper (PostgreSQL and `pgAnalyzeSeconds` > 0 only); stop() waits for an analysis under way. */
export function startStatisticsKeeper(deps: Deps): Rounds {
  const seconds = deps.config.pgAnalyzeSeconds;
  if (deps.store.dialect !== 'postgres' || seconds === 0) return { stop: async () => undefined };
  return startRounds(seconds * 1000, async () => {
    const tables = await refreshStatistics(deps.store);
    if (tables.length) deps.log.debug({ tables }, 'planner statistics refreshed');
  }, (err) => deps.log.warn({ err }, 'refreshing planner statistics failed'));
}
