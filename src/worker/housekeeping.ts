import type { Deps } from '../deps.ts';
import { purgeExpiredSessions } from '../store/repos/sessions.ts';
import { purgeIdempotencyKeys } from '../store/repos/idempotency.ts';
import { purgeChannelLog, purgePendingReceipts } from '../store/repos/messages.ts';
import { purgeDeliveries } from '../store/repos/webhooks.ts';
import { purgeExpiredConsents } from '../store/repos/consents.ts';

const everyMs = 3600_000;
const day = 86_400_000;
/** Delivered or failed webhook deliveries are kept this long (the delivery log). */
const webhookLogDays = 30;
/** A receipt whose carrier id was not stored within this long never will be (its message was sent again, or was finished already). */
const pendingReceiptDays = 7;

/** Where the next purge may start its walks (what lies below is purged already). */
export interface PurgeMarks { channelLog: string }

/**
 * Removes what has outlived its retention: sessions, idempotency keys (24 h), carrier log, unmatched receipts, webhook
 * log, withdrawn consents. `marks` carries over from one run to the next.
 */
export async function purgeExpired(deps: Deps, marks: PurgeMarks = { channelLog: '' }): Promise<void> {
  const now = deps.now();
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const db = deps.store.db;
  await purgeExpiredSessions(db, now.toISOString());
  await purgeIdempotencyKeys(db, ago(day));
  marks.channelLog = await purgeChannelLog(db, ago(deps.config.channelLogDays * day), marks.channelLog);
  await purgePendingReceipts(db, ago(pendingReceiptDays * day));
  await purgeDeliveries(db, ago(webhookLogDays * day));
  await purgeExpiredConsents(db, now.toISOString());
}

/** Runs purgeExpired now and every hour. */
export function startHousekeeping(deps: Deps): { stop(): void } {
  const marks: PurgeMarks = { channelLog: '' };
  const run = () => { purgeExpired(deps, marks).catch((err) => deps.log.warn({ err }, 'housekeeping failed')); };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
