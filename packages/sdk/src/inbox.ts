// The inbox: conversations per number (newest first), a conversation's thread, replies, read state; inbound messages.
import type { Tidings } from './client.ts';
import { unwrap } from './client.ts';
import { cursorOf, paginate } from './pagination.ts';
import type { Conversation, ConversationQuery, ConversationThread, InboundMessage, InboundQuery, ReplyInput, ReplyResult } from './types.ts';

/** `tidings.inbox`: two-way conversations. */
export class Inbox {
  constructor(private readonly t: Tidings) {}

  /** Every conversation matching the filters, most recent first, page by page (`pageSize` per request, default 100). */
  list(query: ConversationQuery & { pageSize?: number } = {}): AsyncGenerator<Conversation, void, undefined> {
    const { pageSize = 100, ...filters } = query;
    return paginate(async (before) => {
      const r = unwrap(await this.t.api.GET('/api/v1/inbox', { params: { query: { ...filters, limit: pageSize, before } } }));
      return { items: r.conversations, next: r.next };
    });
  }

  /** A conversation with its two-way thread. */
  async get(id: string): Promise<ConversationThread> {
    return unwrap(await this.t.api.GET('/api/v1/inbox/{id}', { params: { path: { id } } }));
  }

  /**
   * Replies in a conversation (an ordinary outbound message through the same checks). The reply route takes no
   * idempotency key, so a reply is never retried: on a 5xx, read the conversation before replying again.
   */
  async reply(id: string, body: ReplyInput | string): Promise<ReplyResult> {
    const input = typeof body === 'string' ? { text: body } : body;
    return unwrap(await this.t.api.POST('/api/v1/inbox/{id}/reply', { params: { path: { id } }, body: input as ReplyInput }));
  }

  /** Marks a conversation read. */
  async markRead(id: string): Promise<void> {
    unwrap(await this.t.api.POST('/api/v1/inbox/{id}/read', { params: { path: { id } } }));
  }

  /** Every inbound (MO) message matching the filters, newest first, page by page (`pageSize`, default 100). */
  inbound(query: InboundQuery & { pageSize?: number } = {}): AsyncGenerator<InboundMessage, void, undefined> {
    const { pageSize = 100, ...filters } = query;
    return paginate(async (before) => {
      const r = unwrap(await this.t.api.GET('/api/v1/inbound', { params: { query: { ...filters, limit: pageSize, before } } }));
      return { items: r.messages, next: cursorOf(r.messages, pageSize, (m) => m.id) };
    });
  }
}
