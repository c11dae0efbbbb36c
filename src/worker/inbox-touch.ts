// An MO's inbox conversation touched once per MO in a batch: the conversations of the batch's senders are read at
// once, and the MO is counted (unread, reopened) with the reply that answers it in one write, or alone at its end.
import type { Deps } from '../deps.ts';
import { conversationIds, touchConversation } from '../store/repos/conversations.ts';
import { batchMemo, type BatchMemo, type BatchPart } from './batch-deps.ts';

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
 * The conversation an MO lands in (created if new). In a batch, an existing one is only noted: the MO is counted with
 * its reply (`touchReply`) or by `settleInbox` when it ends.
 */
export async function inboxConversation(deps: Deps, tenantId: string, mo: { phone: string; contactId: string | null; text: string; at: string }): Promise<string> {
  const db = deps.store.db;
  const memo = batchMemo(deps);
  if (memo && !memo.routed.has(mo.phone)) {
    const ids = await memo.get(`inbox:${tenantId}`, () => conversationIds(db, tenantId, [...new Set(memo.phones)]));
    const id = ids.get(mo.phone);
    if (id) {
      pending(memo).waiting.set(mo.phone, { mo: memo.mo, tenantId, ...mo });
      return id;
    }
  }
  return touchConversation(db, tenantId, { ...mo, direction: 'in' });
}

/** Records a reply to a number in its conversation (with the MO it answers, when that is still to be counted). */
export async function touchReply(deps: Deps, tenantId: string, reply: { phone: string; contactId: string | null; text: string; at: string }): Promise<void> {
  const memo = batchMemo(deps);
  const waiting = memo && pending(memo).waiting.get(reply.phone);
  if (waiting && waiting.tenantId === tenantId) pending(memo).waiting.delete(reply.phone);
  const contactId = reply.contactId ?? (waiting && waiting.tenantId === tenantId ? waiting.contactId : null);
  await touchConversation(deps.store.db, tenantId, { ...reply, contactId, direction: 'out', answers: !!waiting && waiting.tenantId === tenantId });
}

/** Counts an MO in its conversation if no reply did (the end of routing it). */
export async function settleInbox(deps: Deps, phone: string): Promise<void> {
  const memo = batchMemo(deps);
  const waiting = memo && pending(memo).waiting.get(phone);
  if (!waiting) return;
  pending(memo).waiting.delete(phone);
  await touchConversation(deps.store.db, waiting.tenantId, { phone, contactId: waiting.contactId, text: waiting.text, direction: 'in', at: waiting.at });
}
