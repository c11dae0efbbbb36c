// An MO's inbox conversation touched once per MO in a batch: the conversations of the batch's senders are read at
// once, the MO is counted (unread, reopened) with the reply that answers it or alone at its end, and the conversations
// it starts and the touches of the others are written together at the batch's end (multi-row, not one per MO).
import type { Deps } from '../deps.ts';
import type { ConversationsTable } from '../store/database.ts';
import { bulkOn } from '../store/bulk.ts';
import {
  conversationIds, insertConversations, newConversationRow, touchConversation, touchConversations, type ConversationTouch,
} from '../store/repos/conversations.ts';
import { batchMemo, HeldWrites, type BatchMemo, type BatchPart } from './batch-deps.ts';

interface Touch { mo: number; tenantId: string; phone: string; contactId: string | null; text: string; at: string }

/** MO of the batch whose conversation is not yet touched, by sender. */
class PendingTouches implements BatchPart {
  readonly waiting = new Map<string, Touch>();
  drop(mo: number): void {
    for (const [phone, t] of this.waiting) if (t.mo === mo) this.waiting.delete(phone);
  }
  async end(): Promise<void> {
    // each MO settles its own touch before it ends; nothing waits for the batch
  }
}

function pending(memo: BatchMemo): PendingTouches {
  return memo.part('inbox', () => new PendingTouches());
}

/**
 * The ids of the conversations of the batch's senders with a tenant, read once; a conversation made during the batch
 * is added (only a number's own MO make its conversation while the batch holds the one connection).
 */
function batchIds(deps: Deps, memo: BatchMemo, tenantId: string): Promise<Map<string, string>> {
  return memo.get(`inbox:${tenantId}`, () => conversationIds(deps.store.db, tenantId, [...new Set(memo.phones)]));
}

/** The conversations a batch starts and the touches of conversations, written at its end in this order. */
interface Held { created: HeldWrites<ConversationsTable>; touches: HeldWrites<ConversationTouch> }

function held(deps: Deps, memo: BatchMemo): Held & BatchPart {
  return memo.part('inbox-writes', () => {
    const t = bulkOn(deps.store);
    const created = new HeldWrites<ConversationsTable>(memo, (rows) => insertConversations(t, rows));
    const touches = new HeldWrites<ConversationTouch>(memo, (items) => touchConversations(t, items));
    return {
      created, touches,
      drop: (mo: number) => { created.drop(mo); touches.drop(mo); },
      end: async () => { await created.end(); await touches.end(); },
    };
  });
}

/**
 * Counts a message in a conversation, creating it. In a batch both wait for its end: the batch read its senders'
 * conversations and only a number's own MO start its conversation, so the batch knows which exist.
 */
async function touch(deps: Deps, tenantId: string, t: Omit<ConversationTouch, 'tenantId'>): Promise<string> {
  const memo = batchMemo(deps);
  if (!memo) return touchConversation(deps.store.db, tenantId, { ...t, answers: t.direction === 'out' && t.received });
  const ids = await batchIds(deps, memo, tenantId);
  const id = ids.get(t.phone);
  if (id) {
    held(deps, memo).touches.hold({ tenantId, ...t }, [t.phone]);
    return id;
  }
  const row = newConversationRow(tenantId, t);
  held(deps, memo).created.hold(row, [t.phone]);
  ids.set(t.phone, row.id);
  return row.id;
}

/**
 * The conversation an MO lands in (created if new). In a batch, an existing one is only noted: the MO is counted with
 * its reply (`touchReply`) or by `settleInbox` when it ends.
 */
export async function inboxConversation(deps: Deps, tenantId: string, mo: { phone: string; contactId: string | null; text: string; at: string }): Promise<string> {
  const memo = batchMemo(deps);
  const id = memo && (await batchIds(deps, memo, tenantId)).get(mo.phone);
  if (memo && id) {
    pending(memo).waiting.set(mo.phone, { mo: memo.mo, tenantId, ...mo });
    return id;
  }
  return touch(deps, tenantId, { ...mo, direction: 'in', received: true });
}

/** Records a reply to a number in its conversation (with the MO it answers, when that is still to be counted). */
export async function touchReply(deps: Deps, tenantId: string, reply: { phone: string; contactId: string | null; text: string; at: string }): Promise<void> {
  const memo = batchMemo(deps);
  const waiting = memo && pending(memo).waiting.get(reply.phone);
  const answers = !!waiting && waiting.tenantId === tenantId;
  if (answers) pending(memo!).waiting.delete(reply.phone);
  const contactId = reply.contactId ?? (answers ? waiting.contactId : null);
  await touch(deps, tenantId, { ...reply, contactId, direction: 'out', received: answers });
}

/** Counts an MO in its conversation if no reply did (the end of routing it). */
export async function settleInbox(deps: Deps, phone: string): Promise<void> {
  const memo = batchMemo(deps);
  const waiting = memo && pending(memo).waiting.get(phone);
  if (!waiting) return;
  pending(memo).waiting.delete(phone);
  await touch(deps, waiting.tenantId, { phone, contactId: waiting.contactId, text: waiting.text, direction: 'in', at: waiting.at, received: true });
}
