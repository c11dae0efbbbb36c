// Long inbound messages joined from parts stored one by one. Each part is stored as it arrives and acknowledged to the
// carrier at once, so a carrier's window never waits on a missing part and a crash loses nothing; the node that stores
// the last part joins them, and a sweep joins what a stopped node left complete and what waited past its timeout
// (stored with the parts that arrived, marked incomplete). Parts may arrive on binds of different worker nodes.
import type { Deps } from '../deps.ts';
import type { InboundMessage, InboundPart } from '../channels/channel.ts';
import { countParts, insertInbound, insertInboundPart, joinableGroups, takeParts, type PartGroup } from '../store/repos/inbound.ts';
import { bulkOn } from '../store/bulk.ts';
import { inboundRow, linkIdOf, routeStored } from './inbound.ts';
import { startRounds, type Rounds } from './rounds.ts';

const sweepMs = 2000;

/** Stores one part (resolving once it is durable); joins its message when it was the last one missing. */
export async function storeInboundPart(deps: Deps, channelId: string, p: InboundPart): Promise<void> {
  const group: PartGroup = { channel_id: channelId, source: p.from, destination: p.to, ref: p.ref, total: p.total };
  await insertInboundPart(deps.store.db, {
    ...group, seq: p.seq, text: p.text, channel: p.channel, data_coding: p.dataCoding,
    received_at: p.receivedAt.toISOString(), expires_at: new Date(p.receivedAt.getTime() + p.timeoutMs).toISOString(),
    raw_content: p.octets ?? null, undecodable: p.raw === undefined ? 0 : 1, link_id: linkIdOf(p.linkId),
  });
  if (await countParts(deps.store.db, group) < p.total) return;
  // the part is stored: joining is not a reason to ask the carrier for it again (the sweep retries a failed join)
  await joinParts(deps, group).catch((err: unknown) => deps.log.error({ err, channelId }, 'joining a long inbound message failed; the sweep retries'));
}

/** Joins a group's parts into one stored inbound message (in the transaction that removes them), then routes it. */
async function joinParts(deps: Deps, group: PartGroup): Promise<void> {
  const joined = await deps.store.db.transaction().execute(async (trx) => {
    const parts = await takeParts(trx, group);
    if (!parts.length) return null; // another node joined them
    const first = parts[0];
    const msg: InboundMessage = {
      channel: first.channel, from: group.source, to: group.destination, text: parts.map((x) => x.text).join(''),
      receivedAt: new Date(parts.reduce((at, x) => (x.received_at < at ? x.received_at : at), first.received_at)),
      dataCoding: Number(first.data_coding), parts: parts.length,
    };
    if (parts.length < group.total) msg.incomplete = true;
    // each part may carry the MO's LinkID: the first that has one gives it
    const linked = parts.find((x) => x.link_id);
    if (linked?.link_id) msg.linkId = linked.link_id;
    // a part that did not decode: the message keeps the octets of every part, in order, as a single-part MO keeps its own
    if (parts.some((x) => Number(x.undecodable) === 1)) msg.raw = parts.map((x) => x.raw_content ?? '').join('');
    const built = inboundRow(deps, group.channel_id, msg);
    await insertInbound(bulkOn(deps.store, trx), built.row);
    return built;
  });
  if (joined) await routeStored(deps, joined.row, joined.sender);
}

/** Joins every group that is complete or past its timeout; returns how many. */
export async function sweepInboundParts(deps: Deps): Promise<number> {
  const groups = await joinableGroups(deps.store.db, deps.now().toISOString());
  for (const g of groups) await joinParts(deps, g);
  return groups.length;
}

/** Sweeps every few seconds until stopped (never two sweeps at once). */
export function startPartSweeper(deps: Deps): Rounds {
  return startRounds(sweepMs, () => sweepInboundParts(deps), (err) => deps.log.error({ err }, 'joining long inbound messages failed'));
}
