// A lottery's prizes as configured, as frozen when it opens, and giving one to a winner: the claim code, the winner
// row, the points through the ledger (source `lottery`, once per winning entry), or a gift of the catalogue reserved
// as a redemption; a gift that has run out by the win gives the frozen rule's substitute points, else nothing.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../store/database.ts';
import { DomainError } from '../../domain/errors.ts';
import { fillReply } from '../../domain/keywords.ts';
import { newId } from '../../domain/ids.ts';
import { creditPoints } from '../../store/repos/points.ts';
import { ensureContactId } from '../../store/repos/contacts.ts';
import { giftCodeKey } from '../../store/repos/gifts.ts';
import { grantGift } from '../../store/repos/redemptions.ts';
import { insertWinners } from '../../store/repos/lottery.ts';
import { claimCode, type PrizeSlot } from './rules.ts';

/** A prize as configured: a name, how many, and what it gives — points, a gift of the catalogue, or the name only. */
export const prizeSchema = z.object({
  key: z.string().min(1).max(20).optional(),
  name: z.string().min(1).max(100),
  count: z.number().int().min(1).max(100_000),
  points: z.number().int().min(0).max(1_000_000_000).default(0).describe('Points credited through the ledger (0 = no points)'),
  gift: z.string().min(1).max(20).optional().describe('The code of a gift of the catalogue: a win reserves one unit of its stock as a redemption (no points charged)'),
  substitutePoints: z.number().int().min(0).max(1_000_000_000).default(0)
    .describe('With a gift: the points credited instead when its stock has run out at the win (0 = the prize lapses: while stocks last)'),
});
/** A prize as configured. */
export type PrizeConfig = z.infer<typeof prizeSchema>;

/** A prize as frozen in the draw's rules when the lottery opened: its gift pinned by id. */
export type FrozenPrize = PrizeSlot & { points: number; gift?: { id: string; code: string; name: string }; substitutePoints?: number };

/** What a winner was given. */
export type Award = 'points' | 'gift' | 'substitute' | 'out_of_stock' | 'name';

/** The prizes with their keys settled (given, else 1, 2, 3…). */
export function prizeSlots(prizes: readonly PrizeConfig[]): Array<PrizeSlot & { points: number }> {
  return prizes.map((p, i) => ({ key: p.key ?? String(i + 1), name: p.name, count: p.count, points: p.points }));
}

/** Problems of a prize list that the schema alone cannot say: a prize is points or a gift, a substitute needs a gift. */
export function prizeIssues(prizes: readonly PrizeConfig[]): Array<{ path: (string | number)[]; message: string }> {
  const out: Array<{ path: (string | number)[]; message: string }> = [];
  prizes.forEach((p, i) => {
    if (p.gift && p.points) out.push({ path: ['prizes', i, 'points'], message: 'a prize is either points or a gift, not both (substitutePoints is what a gift that ran out gives)' });
    if (!p.gift && p.substitutePoints) out.push({ path: ['prizes', i, 'substitutePoints'], message: 'substitutePoints applies only to a gift prize' });
  });
  return out;
}

/** Freezes the prizes when the lottery opens: each gift code resolved in the tenant's catalogue (an unknown one is refused, naming the prize). */
export async function freezePrizes(db: Db, tenantId: string, prizes: readonly PrizeConfig[]): Promise<FrozenPrize[]> {
  const slots = prizeSlots(prizes);
  const out: FrozenPrize[] = [];
  for (const [i, p] of prizes.entries()) {
    if (!p.gift) {
      out.push(slots[i]);
      continue;
    }
    const code = giftCodeKey(p.gift);
    const g = await db.selectFrom('gifts').select(['id', 'code', 'name']).where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst();
    if (!g) throw new DomainError('invalid_request', `config.prizes.${i}.gift: there is no gift with code ${code} in the catalogue (prize "${p.name}")`, { field: `config.prizes.${i}.gift` });
    out.push({ ...slots[i], gift: { id: g.id, code: g.code, name: g.name }, substitutePoints: p.substitutePoints });
  }
  return out;
}

/** A winner to store: the entry, the number and the prize. */
export interface WinnerDraft { entryId: string; phone: string; contactId: string | null; prize: string }

/** A winner as awarded: its claim code, the prize's name, what it was given, the points credited and the gift's redemption. */
export type AwardedWinner = WinnerDraft & { claimCode: string; prizeName: string; award: Award; points: number; redemptionId: string | null };

/** The reply templates a win is told with. */
export interface WinReplies { won: string; wonSubstitute: string; wonOutOfStock: string }

/** The text that tells a winner what was won (`{{prize}}`, `{{code}}` the claim code, `{{points}}`, `{{gift}}`). */
export function winText(replies: WinReplies, w: AwardedWinner, vars: Record<string, unknown> = {}): string {
  const template = w.award === 'substitute' ? replies.wonSubstitute : w.award === 'out_of_stock' ? replies.wonOutOfStock : replies.won;
  return fillReply(template, { ...vars, prize: w.prizeName, code: w.claimCode, points: w.points, gift: w.prizeName });
}

/**
 * Stores winners with claim codes and gives each its prize in the caller's transaction: points through the ledger,
 * or one unit of the gift reserved as a redemption (stock > 0), or — the gift run out — the substitute points, else
 * nothing (`out_of_stock`). The winners stay as drawn, so the audit is unchanged by stock.
 */
export async function awardPrizes(db: Db, tenantId: string, serviceId: string, drawId: string | null, prizes: readonly FrozenPrize[], winners: readonly WinnerDraft[], now: Date): Promise<AwardedWinner[]> {
  const slots = new Map(prizes.map((p) => [p.key, p]));
  const at = now.toISOString();
  const out: AwardedWinner[] = [];
  for (const w of winners) {
    const p = slots.get(w.prize);
    const claim = claimCode(randomBytes(8));
    const name = p?.name ?? w.prize;
    let known = w.contactId;
    const contactId = async () => (known ??= await ensureContactId(db, tenantId, w.phone, at));
    let award: Award = p?.points ? 'points' : 'name';
    let points = p?.points ?? 0;
    let redemptionId: string | null = null;
    if (p?.gift) {
      const r = await grantGift(db, tenantId, { giftId: p.gift.id, contactId: await contactId(), note: `${name} · ${claim}` }, now);
      redemptionId = r?.id ?? null;
      points = r ? 0 : p.substitutePoints ?? 0;
      award = r ? 'gift' : points ? 'substitute' : 'out_of_stock';
    }
    if (points) await creditPoints(db, tenantId, { contactId: await contactId(), points, source: { type: 'lottery', id: w.entryId }, note: name }, now);
    out.push({ ...w, claimCode: claim, prizeName: name, award, points, redemptionId });
  }
  await insertWinners(db, out.map((w) => ({
    id: newId(now.getTime()), tenant_id: tenantId, service_id: serviceId, draw_id: drawId, entry_id: w.entryId, phone: w.phone, prize: w.prize,
    claim_code: w.claimCode, points: w.points, award: w.award, gift_id: slots.get(w.prize)?.gift?.id ?? null, redemption_id: w.redemptionId, created_at: at,
  })));
  return out;
}
