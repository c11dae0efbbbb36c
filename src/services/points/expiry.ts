// The expiry round of points: every grant whose time has come gets its expiry entry, also on accounts nobody touches.
import type { Deps } from '../../deps.ts';
import { expirePoints } from '../../store/repos/points.ts';
import { startRounds, type Rounds } from '../../worker/rounds.ts';

/** Starts the points expiry rounds on a worker node (the account lock makes two nodes write each expiry once). */
export function startPointsExpiry(deps: Deps, everyMs = 60_000): Rounds {
  return startRounds(everyMs, () => expirePoints(deps.store.db, deps.now()), (err) => deps.log.error({ err, component: 'points' }, 'points expiry round failed'));
}
