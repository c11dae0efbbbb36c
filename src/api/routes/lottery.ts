import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { audit } from '../../store/repos/audit.ts';
import { serviceRow } from '../../store/repos/services.ts';
import { drawsOf, winnersOf } from '../../store/repos/lottery.ts';
import { drawAudit, runDraw } from '../../services/lottery/draws.ts';

const idParams = z.object({ id: z.string().min(1) });
const drawParams = idParams.extend({ drawId: z.string().min(1) });
const prizeOut = z.object({
  key: z.string(), name: z.string(), count: z.number(), points: z.number().optional(),
  gift: z.object({ id: z.string(), code: z.string(), name: z.string() }).optional().describe('The gift of the catalogue this prize reserves (pinned when the lottery opened)'),
  substitutePoints: z.number().optional().describe('Points given instead when the gift has run out at the win (0 = the prize lapses)'),
});
const winnerOut = z.object({
  id: z.string(), drawId: z.string().nullable(), entryId: z.string(), phone: z.string(), prize: z.string(), claimCode: z.string(), points: z.number(), createdAt: z.string(),
  award: z.enum(['points', 'gift', 'substitute', 'out_of_stock', 'name']).describe('What was given: points, a gift (its redemption), the substitute points of a gift that ran out, nothing (out of stock), or a named prize'),
  giftId: z.string().nullable(), redemptionId: z.string().nullable().describe('The reserved redemption of a gift prize: fulfil or cancel it under /api/v1/redemptions'),
});
const winner = z.object({ prize: z.string(), entryId: z.string(), phone: z.string(), index: z.number() });
const auditSchema = z.object({
  drawId: z.string(), serviceId: z.string(), kind: z.enum(['draw', 'instant']).optional(), status: z.string(), algorithm: z.string(), seedHash: z.string(), seed: z.string().nullable(),
  entries: z.array(z.string()), entriesHash: z.string().nullable(), entryCount: z.number(), prizes: z.array(prizeOut),
  winAgain: z.boolean(), winners: z.array(winner), allWin: z.boolean(), drawAt: z.string().nullable(), drawnAt: z.string().nullable(),
  window: z.object({ opensAt: z.string(), closesAt: z.string() }).optional(), moments: z.array(z.object({ prize: z.string(), at: z.string() })).optional(),
});

async function lotteryRow(deps: Deps, tenantId: string, id: string) {
  const row = await serviceRow(deps.store.db, tenantId, id);
  if (!row || row.type !== 'lottery') throw notFound('lottery');
  return row;
}

/** Draws of a lottery service (`/api/v1/services/:id/draws`): the published seed hash, the run, the audit; winners. */
export function lotteryRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['services'];

  app.get('/api/v1/services/:id/draws', {
    schema: {
      tags, summary: 'Draws of a lottery with their published seed hash (an instant-win lottery has one for its winning moments)', params: idParams,
      response: { 200: z.object({ draws: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string(), algorithm: z.string(), seedHash: z.string(), drawAt: z.string().nullable(), drawnAt: z.string().nullable() })) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const row = await lotteryRow(deps, tenantId, request.params.id);
    const draws = await drawsOf(db, tenantId, row.id);
    return { draws: draws.map((d) => ({ id: d.id, kind: d.kind, status: d.status, algorithm: d.algorithm, seedHash: d.seed_hash, drawAt: d.draw_at, drawnAt: d.drawn_at })) };
  });

  app.post('/api/v1/services/:id/draws/:drawId/run', {
    schema: { tags, summary: 'Run a draw now (after the entry window closed; it also runs by itself at drawAt); winners are told by SMS', params: drawParams, response: { 200: auditSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const row = await lotteryRow(deps, tenantId, request.params.id);
    const result = await runDraw(deps, tenantId, row.id, request.params.drawId);
    await audit(db, tenantId, actorOf(request), 'lottery.draw', row.id, { drawId: result.drawId, winners: result.winners.length });
    return drawAudit(deps, tenantId, row.id, result.drawId);
  });

  app.get('/api/v1/services/:id/draws/:drawId/audit', {
    schema: { tags, summary: 'The audit of a draw: seed (once drawn), seed hash, frozen entry list and its hash, algorithm version, winners — `tidings lottery verify` recomputes it', params: drawParams, response: { 200: auditSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const row = await lotteryRow(deps, tenantId, request.params.id);
    return drawAudit(deps, tenantId, row.id, request.params.drawId);
  });

  app.get('/api/v1/services/:id/winners', {
    schema: {
      tags, summary: 'Winners of a lottery with their claim codes and what each was given (claimCode finds one winner)', params: idParams,
      querystring: z.object({ claimCode: z.string().min(1).max(20).optional() }),
      response: { 200: z.object({ winners: z.array(winnerOut) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const row = await lotteryRow(deps, tenantId, request.params.id);
    const list = await winnersOf(db, tenantId, row.id, { claimCode: request.query.claimCode });
    return {
      winners: list.map((w) => ({
        id: w.id, drawId: w.draw_id, entryId: w.entry_id, phone: w.phone, prize: w.prize, claimCode: w.claim_code, points: Number(w.points), createdAt: w.created_at,
        award: w.award as z.infer<typeof winnerOut>['award'], giftId: w.gift_id, redemptionId: w.redemption_id,
      })),
    };
  });
}
