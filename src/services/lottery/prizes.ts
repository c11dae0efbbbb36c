// A lottery's prizes as configured and as the draw algorithm sees them, and giving one to a winner: the claim code,
// the winner row, and the points through the ledger (source `lottery`, once per winning entry).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../store/database.ts';
import { newId } from '../../domain/ids.ts';
import { creditPoints } from '../../store/repos/points.ts';
import { ensureContactId } from '../../store/repos/contacts.ts';
import { insertWinners } from '../../store/repos/lottery.ts';
import { claimCode, type PrizeSlot } from './rules.ts';

/** A prize as configured: a name, how many, and the points it credits (0 = a named prize only). */
export const prizeSchema = z.object({
  key: z.string().min(1).max(20).optional(),
  name: z.string().min(1).max(100),
  count: z.number().int().min(1).max(100_000),
  points: z.number().int().min(0).max(1_000_000_000).default(0),
});
/** A prize as configured. */
export type PrizeConfig = z.infer<typeof prizeSchema>;

/** The prizes with their keys settled (given, else 1, 2, 3…). */
export function prizeSlots(prizes: readonly PrizeConfig[]): Array<PrizeSlot & { points: number }> {
  return prizes.map((p, i) => ({ key: p.key ?? String(i + 1), name: p.name, count: p.count, points: p.points }));
}

/** A winner to store: the entry, the number and the prize. */
export interface WinnerDraft { entryId: string; phone: string; contactId: string | null; prize: string }

/** Stores winners with claim codes and credits their points; returns each with its claim code and prize. */
export async function awardPrizes(db: Db, tenantId: string, serviceId: string, drawId: string | null, prizes: readonly PrizeConfig[], winners: readonly WinnerDraft[], now: Date):
Promise<Array<WinnerDraft & { claimCode: string; prizeName: string; points: number }>> {
  const slots = new Map(prizeSlots(prizes).map((p) => [p.key, p]));
  const at = now.toISOString();
  const out = winners.map((w) => ({ ...w, claimCode: claimCode(randomBytes(8)), prizeName: slots.get(w.prize)?.name ?? w.prize, points: slots.get(w.prize)?.points ?? 0 }));
  await insertWinners(db, out.map((w) => ({
    id: newId(now.getTime()), tenant_id: tenantId, service_id: serviceId, draw_id: drawId, entry_id: w.entryId, phone: w.phone, prize: w.prize,
    claim_code: w.claimCode, points: w.points, created_at: at,
  })));
  for (const w of out) {
    if (!w.points) continue;
    const contactId = w.contactId ?? await ensureContactId(db, tenantId, w.phone, at);
    await creditPoints(db, tenantId, { contactId, points: w.points, source: { type: 'lottery', id: w.entryId }, note: w.prizeName }, now);
  }
  return out;
}
