// Running a lottery's draw and showing its audit: the entry list frozen (sorted, hashed), the seed revealed, the
// winners drawn, stored, credited and told by SMS with their claim code — all decided in one transaction, once.
import type { Deps } from '../../deps.ts';
import type { LotteryDrawsTable } from '../../store/database.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { serviceRow } from '../../store/repos/services.ts';
import { drawRow, entriesOf, momentsOf, moveDraw, winnersOf } from '../../store/repos/lottery.ts';
import { queueMessages } from '../../worker/outbox.ts';
import { serviceAt } from '../engine.ts';
import { serviceSecret } from '../secret.ts';
import { awardPrizes, winText, type FrozenPrize } from './prizes.ts';
import { drawSeed, drawWinners, entriesHash, entryLines, type DrawAudit, type DrawWinner } from './rules.ts';
import type { LotteryConfig } from './service.ts';

async function lotteryOf(deps: Deps, tenantId: string, serviceId: string) {
  const row = await serviceRow(deps.store.db, tenantId, serviceId);
  if (!row || row.type !== 'lottery') throw notFound('lottery');
  const svc = await serviceAt(deps.store.db, row);
  if (!svc) throw new DomainError('conflict', 'the lottery\'s rules no longer fit its type');
  return { row, config: svc.at.config as LotteryConfig };
}

/** Runs a draw once its entry window has closed; a second run (or a concurrent one) is a conflict. */
export async function runDraw(deps: Deps, tenantId: string, serviceId: string, drawId: string): Promise<DrawAudit & { drawId: string }> {
  const { row, config } = await lotteryOf(deps, tenantId, serviceId);
  const db = deps.store.db;
  const draw = await drawRow(db, tenantId, serviceId, drawId);
  if (!draw) throw notFound('draw');
  if (draw.kind !== 'draw') throw new DomainError('conflict', 'an instant-win lottery has no draw to run: each entry won or lost at once');
  if (draw.status !== 'committed') throw new DomainError('conflict', `the draw has already run (at ${draw.drawn_at})`);
  const now = deps.now();
  if (now.toISOString() < config.closesAt) throw new DomainError('conflict', `the entry window is open until ${config.closesAt}; the draw runs after it closes`);
  const prizes = JSON.parse(draw.prizes) as FrozenPrize[];
  const awarded = await db.transaction().execute(async (trx) => {
    const lines = entryLines(await entriesOf(trx, tenantId, serviceId));
    const seed = drawSeed(serviceSecret(deps.config), draw.id);
    const result = drawWinners(seed, lines, prizes, draw.win_again === 1);
    const taken = await moveDraw(trx, draw.id, 'committed', {
      status: 'drawn', seed, entries: JSON.stringify(lines), entries_hash: entriesHash(lines), winners: JSON.stringify(result.winners),
      all_win: result.allWin ? 1 : 0, drawn_at: now.toISOString(),
    });
    if (!taken) return null;
    const contacts = new Map((await trx.selectFrom('lottery_entries').select(['id', 'contact_id']).where('service_id', '=', serviceId).execute()).map((e) => [e.id, e.contact_id]));
    return awardPrizes(trx, tenantId, serviceId, draw.id, prizes, result.winners.map((w) => ({ entryId: w.entryId, phone: w.phone, contactId: contacts.get(w.entryId) ?? null, prize: w.prize })), now);
  });
  if (!awarded) throw new DomainError('conflict', 'the draw has already run');
  for (const w of awarded) {
    try {
      await queueMessages(deps, {
        tenantId, recipients: [{ phone: w.phone, contactId: w.contactId }], text: winText(config.replies, w, { lottery: row.name }),
        category: 'notification', campaignId: null, sender: row.number, source: 'service',
      });
    } catch (e) {
      deps.log.warn({ err: e, tenantId, component: 'lottery', drawId }, 'winner notification not queued');
    }
  }
  return drawAudit(deps, tenantId, serviceId, drawId);
}

function winnersOfRow(d: LotteryDrawsTable): DrawWinner[] {
  return d.winners ? JSON.parse(d.winners) as DrawWinner[] : [];
}

/** The audit of a draw: seed hash (and the seed once drawn, or once an instant-win window closed), list and hash, algorithm, winners. */
export async function drawAudit(deps: Deps, tenantId: string, serviceId: string, drawId: string): Promise<DrawAudit & { drawId: string; serviceId: string; status: string; drawAt: string | null; drawnAt: string | null; entryCount: number }> {
  const { config } = await lotteryOf(deps, tenantId, serviceId);
  const db = deps.store.db;
  const d = await drawRow(db, tenantId, serviceId, drawId);
  if (!d) throw notFound('draw');
  const prizes = JSON.parse(d.prizes) as FrozenPrize[];
  const base = { drawId: d.id, serviceId, status: d.status, algorithm: d.algorithm, seedHash: d.seed_hash, prizes, winAgain: d.win_again === 1, drawAt: d.draw_at };
  if (d.kind === 'instant') {
    const revealed = deps.now().toISOString() >= config.closesAt;
    const moments = revealed ? await momentsOf(db, serviceId) : [];
    const winners = revealed ? await winnersOf(db, tenantId, serviceId) : [];
    const lines = revealed ? entryLines(await entriesOf(db, tenantId, serviceId)) : [];
    return {
      ...base, kind: 'instant', seed: revealed ? drawSeed(serviceSecret(deps.config), d.id) : null, entries: lines, entriesHash: revealed ? entriesHash(lines) : null,
      winners: winners.map((w) => ({ prize: w.prize, entryId: w.entry_id, phone: w.phone, index: lines.findIndex((l) => l.startsWith(`${w.entry_id}:`)) })),
      allWin: false, window: { opensAt: config.opensAt, closesAt: config.closesAt }, moments: moments.map((m) => ({ prize: m.prize, at: m.at })),
      drawnAt: revealed ? config.closesAt : null, entryCount: lines.length,
    };
  }
  const entries = d.entries ? JSON.parse(d.entries) as string[] : [];
  return { ...base, kind: 'draw', seed: d.seed, entries, entriesHash: d.entries_hash, winners: winnersOfRow(d), allWin: d.all_win === 1, drawnAt: d.drawn_at, entryCount: entries.length };
}

/** Runs every draw whose time has come (any tenant); a node that loses the race to another skips it. */
export async function runDueDraws(deps: Deps): Promise<number> {
  const due = await deps.store.db.selectFrom('lottery_draws').select(['id', 'tenant_id', 'service_id']).where('kind', '=', 'draw').where('status', '=', 'committed')
    .where('draw_at', '<=', deps.now().toISOString()).limit(20).execute();
  let ran = 0;
  for (const d of due) {
    try {
      await runDraw(deps, d.tenant_id, d.service_id, d.id);
      ran++;
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'conflict')) throw e;
    }
  }
  return ran;
}
