// Messages: sends carry an Idempotency-Key (made here when the caller gives none), so a retried send is one send.
import type { Tidings } from './client.ts';
import { unwrap } from './client.ts';
import { paginate } from './pagination.ts';
import type { Message, MessageQuery, SendRequest, SendResult } from './types.ts';

/** Options of one send. */
export interface SendOptions {
  /** The key that makes repeats of this send one send (default: a new random UUID per call). */
  idempotencyKey?: string;
  /** Aborts the send (and any wait between retries). */
  signal?: AbortSignal;
}

/** A new idempotency key (a random UUID). */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** `tidings.messages`: send texts and read messages. */
export class Messages {
  constructor(private readonly t: Tidings) {}

  /** Sends a text to one or many numbers; retried safely on 429/5xx under one Idempotency-Key. */
  async send(body: SendRequest, options: SendOptions = {}): Promise<SendResult> {
    return unwrap(await this.t.api.POST('/api/v1/messages', {
      body, headers: { 'idempotency-key': options.idempotencyKey ?? newIdempotencyKey() }, signal: options.signal,
    }));
  }

  /** One message with its status, carrier id and error. */
  async get(id: string): Promise<Message> {
    return unwrap(await this.t.api.GET('/api/v1/messages/{id}', { params: { path: { id } } }));
  }

  /** Every message matching the filters, newest first, fetched page by page (`pageSize` per request, default 100). */
  list(query: MessageQuery & { pageSize?: number } = {}): AsyncGenerator<Message, void, undefined> {
    const { pageSize = 100, ...filters } = query;
    return paginate(async (before) => {
      const r = unwrap(await this.t.api.GET('/api/v1/messages', { params: { query: { ...filters, limit: pageSize, before } } }));
      return { items: r.messages as Message[], next: r.next };
    });
  }
}
