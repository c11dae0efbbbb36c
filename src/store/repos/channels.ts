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

/** Records the state and counters a worker sees for a channel. */
export async function reportChannelState(db: Db, id: string, state: { state: string; reason: string | null; counters: Record<string, number> }, now: string): Promise<void> {
  await db.updateTable('channels').set({ state: state.state, state_reason: state.reason, counters: JSON.stringify(state.counters), state_at: now }).where('id', '=', id).execute();
}
