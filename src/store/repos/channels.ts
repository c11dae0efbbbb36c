import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';

/** A stored channel: its config (with secrets) and the state the worker last reported. */
export interface ChannelRecord {
  id: string; name: string; type: string; config: Record<string, unknown>; enabled: boolean;
  state: string | null; stateReason: string | null; counters: Record<string, number> | null; stateAt: string | null; updatedAt: string;
}

type Row = { id: string; name: string; type: string; config: string; enabled: number; state: string | null; state_reason: string | null; counters: string | null; state_at: string | null; updated_at: string };

function toRecord(r: Row): ChannelRecord {
  return {
    id: r.id, name: r.name, type: r.type, config: JSON.parse(r.config) as Record<string, unknown>, enabled: !!r.enabled,
    state: r.state, stateReason: r.state_reason, counters: r.counters ? JSON.parse(r.counters) as Record<string, number> : null, stateAt: r.state_at, updatedAt: r.updated_at,
  };
}

const columns = ['id', 'name', 'type', 'config', 'enabled', 'state', 'state_reason', 'counters', 'state_at', 'updated_at'] as const;

/** Every channel (platform-level: channels are shared by tenants through routes). */
export async function listChannels(db: Db): Promise<ChannelRecord[]> {
  return (await db.selectFrom('channels').select(columns).orderBy('name').execute()).map(toRecord);
}

/** One channel by id or name. */
export async function findChannel(db: Db, idOrName: string): Promise<ChannelRecord | undefined> {
  const r = await db.selectFrom('channels').select(columns).where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirst();
  return r && toRecord(r);
}

/** Stores a new channel; `config` is the full validated configuration including its name and type. */
export async function createChannel(db: Db, input: { name: string; type: string; config: Record<string, unknown>; enabled?: boolean }, now: string): Promise<ChannelRecord> {
  const row = { id: newId(), name: input.name, type: input.type, config: JSON.stringify(input.config), enabled: input.enabled === false ? 0 : 1, state: null, state_reason: null, counters: null, state_at: null, created_at: now, updated_at: now };
  await db.insertInto('channels').values(row).execute();
  return toRecord(row);
}

/** Replaces a channel's config or enabled flag (the worker reconnects with the new config). */
export async function updateChannel(db: Db, id: string, patch: { config?: Record<string, unknown>; enabled?: boolean }, now: string): Promise<void> {
  await db.updateTable('channels').set({
    ...(patch.config && { config: JSON.stringify(patch.config) }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
    updated_at: now,
  }).where('id', '=', id).execute();
}

/** Removes a channel and its routes. */
export async function deleteChannel(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('channels').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** What a worker node sees of one channel. */
export interface NodeChannelState { state: string; reason: string | null; counters: Record<string, number> }

const stateRank = ['bound', 'down', 'connecting', 'stopped'];

/** The state of a channel over its nodes: bound when any node is, counters summed; no node means stopped. */
function combine(nodes: NodeChannelState[]): NodeChannelState {
  if (!nodes.length) return { state: 'stopped', reason: 'no worker node runs this channel', counters: {} };
  const state = stateRank.find((st) => nodes.some((n) => n.state === st)) ?? nodes[0].state;
  const reasons = state === 'bound' ? [] : [...new Set(nodes.filter((n) => n.state === state && n.reason).map((n) => n.reason!))];
  const counters: Record<string, number> = {};
  for (const n of nodes) for (const [k, v] of Object.entries(n.counters)) counters[k] = (counters[k] ?? 0) + v;
  return { state, reason: reasons.length ? reasons.join('; ') : null, counters };
}

/** Stores the channel's state as the combination of what every node reports of it. */
async function summarise(db: Db, id: string, now: string): Promise<void> {
  const rows = await db.selectFrom('channel_node_states').select(['state', 'reason', 'counters']).where('channel_id', '=', id).execute();
  const c = combine(rows.map((r) => ({ state: r.state, reason: r.reason, counters: JSON.parse(r.counters) as Record<string, number> })));
  await db.updateTable('channels').set({ state: c.state, state_reason: c.reason, counters: JSON.stringify(c.counters), state_at: now }).where('id', '=', id).execute();
}

/** Records what worker node `node` sees of a channel; the channel shows the combination over its nodes. */
export async function reportChannelState(db: Db, id: string, node: string, state: NodeChannelState, now: string): Promise<void> {
  const row = { state: state.state, reason: state.reason, counters: JSON.stringify(state.counters), at: now };
  await db.insertInto('channel_node_states').values({ channel_id: id, node_id: node, ...row })
    .onConflict((oc) => oc.columns(['channel_id', 'node_id']).doUpdateSet(row)).execute();
  await summarise(db, id, now);
}

/** Forgets what `node` saw of a channel it no longer runs (every channel when `id` is omitted), and combines the rest again. */
export async function dropChannelState(db: Db, node: string, now: string, id?: string): Promise<void> {
  let q = db.deleteFrom('channel_node_states').where('node_id', '=', node);
  if (id) q = q.where('channel_id', '=', id);
  const ids = id ? [id] : (await db.selectFrom('channel_node_states').select('channel_id').where('node_id', '=', node).execute()).map((r) => r.channel_id);
  await q.execute();
  for (const c of ids) await summarise(db, c, now);
}
