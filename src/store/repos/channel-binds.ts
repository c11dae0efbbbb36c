import type { Db } from '../database.ts';
import { dropChannelState } from './channels.ts';

/**
 * Renews this node's announcement and every bind lease it holds, then forgets nodes gone quiet and the nodes `dead`
 * says are gone (processes of this machine that exited): their binds and what they reported of channels. A node that
 * renewed meanwhile is kept. Returns how many nodes are alive, this one included.
 */
export async function announceNode(db: Db, node: string, now: string, until: string, dead: (node: string) => boolean): Promise<number> {
  await db.insertInto('worker_nodes').values({ id: node, started_at: now, seen_until: until })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_until: until })).execute();
  await db.updateTable('channel_binds').set({ lease_until: until }).where('node_id', '=', node).execute();
  const others = (await db.selectFrom('worker_nodes').select(['id', 'seen_until']).where('id', '!=', node).execute());
  const quiet = others.filter((n) => n.seen_until < now).map((n) => n.id);
  const exited = others.filter((n) => n.seen_until >= now && dead(n.id)).map((n) => n.id);
  const gone = [
    ...quiet.length ? await db.deleteFrom('worker_nodes').where('id', 'in', quiet).where('seen_until', '<', now).returning('id').execute() : [],
    ...exited.length ? await db.deleteFrom('worker_nodes').where('id', 'in', exited).returning('id').execute() : [],
  ].map((r) => r.id);
  for (const g of gone) await retireNode(db, g, now);
  return others.length + 1 - gone.length;
}

/**
 * Looks at this node's bind slots of a channel (0 … total−1; `announceNode` renewed them), drops slots beyond the
 * total, and takes free or expired slots until it holds `share`. Returns every slot held, in order: slots beyond the share are given back with
 * `releaseBinds` once the channel has closed them, so another node never opens them while they are still open here.
 */
export async function holdBinds(db: Db, q: { channelId: string; node: string; total: number; share: number; now: string; until: string }): Promise<number[]> {
  await db.deleteFrom('channel_binds').where('channel_id', '=', q.channelId).where('slot', '>=', q.total).execute();
  const rows = await db.selectFrom('channel_binds').select(['slot', 'node_id', 'lease_until']).where('channel_id', '=', q.channelId).execute();
  const mine = rows.filter((r) => r.node_id === q.node).map((r) => Number(r.slot)).sort((a, b) => a - b);
  if (mine.length >= q.share) return mine;
  const taken = new Map(rows.map((r) => [Number(r.slot), r]));
  for (let slot = 0; slot < q.total && mine.length < q.share; slot++) {
    const row = taken.get(slot);
    if (row && (row.node_id === q.node || row.lease_until >= q.now)) continue;
    const won = row
      ? Number((await db.updateTable('channel_binds').set({ node_id: q.node, lease_until: q.until })
        .where('channel_id', '=', q.channelId).where('slot', '=', slot).where('lease_until', '<', q.now).executeTakeFirst()).numUpdatedRows) > 0
      : Number((await db.insertInto('channel_binds').values({ channel_id: q.channelId, slot, node_id: q.node, lease_until: q.until })
        .onConflict((oc) => oc.columns(['channel_id', 'slot']).doNothing()).executeTakeFirst()).numInsertedOrUpdatedRows ?? 0) > 0;
    if (won) mine.push(slot);
  }
  return mine.sort((a, b) => a - b);
}

/** Gives back bind slots of a channel this node no longer uses (all of them when `slots` is omitted). */
export async function releaseBinds(db: Db, node: string, channelId?: string, slots?: number[]): Promise<void> {
  let q = db.deleteFrom('channel_binds').where('node_id', '=', node);
  if (channelId) q = q.where('channel_id', '=', channelId);
  if (slots) q = q.where('slot', 'in', slots.length ? slots : [-1]);
  await q.execute();
}

/** Forgets a node entirely (a graceful stop, or one gone): every bind slot it held, what it reported of channels, its announcement. */
export async function retireNode(db: Db, node: string, now: string): Promise<void> {
  await releaseBinds(db, node);
  await dropChannelState(db, node, now);
  await db.deleteFrom('worker_nodes').where('id', '=', node).execute();
}
