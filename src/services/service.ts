// The contract every service type implements (one folder per type, one line in registry.ts): a config schema,
// what a keyword starts, how an answer in a waiting conversation is taken, and the results view.
import type { z } from 'zod';
import type { EndpointAnswer } from './endpoint.ts';
import type { Db } from '../store/database.ts';
import type { Deps } from '../deps.ts';
import type { BulkTarget } from '../store/bulk.ts';

/** A mobile-originated message as a service sees it. */
export interface ServiceMo {
  inboundId: string;
  tenantId: string;
  /** The sender in E.164 (or the raw address of a non-mobile sender). */
  phone: string;
  /** Whether the sender is a real mobile number (never answered automatically otherwise). */
  mobile: boolean;
  /** The digits the MO was sent to (service number + extension). */
  address: string;
  text: string;
  receivedAt: string;
  contactId: string | null;
  /** The normalised keyword that matched, '' for a service that owns its address, null in a conversation. */
  keyword: string | null;
  /** The text after the keyword (NFKC, trimmed), or the whole text in a conversation. */
  arg: string;
  /** What the type's `prepare` fetched before the MO was handled (an endpoint's answer). */
  prepared?: unknown;
  /** The gateway's LinkID of the MO (CMPP 3.0, SMGP), carried back by the replies to its sender; null when none. */
  linkId: string | null;
}

/** What a type may use to prepare outside the transaction: its entries and the tenant's endpoints. */
export interface PrepareContext {
  entries: EntryStore;
  /** A signed JSON POST to a tenant endpoint (webhook rules on addresses; 2 s, 64 KB). */
  post(url: string, payload: Record<string, unknown>, secret: string | null): Promise<EndpointAnswer>;
  /** Logs a problem of the tenant's setup (e.g. an endpoint that answers garbage). */
  warn(message: string, data: Record<string, unknown>): void;
}

/** A service at one version, with its config parsed by its type's schema. */
export interface ServiceAt<C = unknown> {
  id: string; tenantId: string; type: string; name: string; version: number; number: string | null; keywords: string[]; config: C;
}

/** A waiting conversation as its service sees it. */
export interface ConversationView {
  id: string;
  step: string | null;
  data: Record<string, unknown>;
  /** Invalid answers given to the current step so far. */
  retries: number;
  /** The last prompt sent (re-sent as the reminder). */
  prompt: string | null;
}

/** Keyed items a service keeps (rows, members, items, claims, counters), scoped to the service. */
export interface EntryStore {
  get<T = unknown>(kind: string, key: string): Promise<T | undefined>;
  /** Creates or replaces an entry. */
  put(kind: string, key: string, value: unknown): Promise<void>;
  /** Creates the entry only if none exists: true when this call created it (safe under concurrency). */
  claim(kind: string, key: string, value: unknown): Promise<boolean>;
  remove(kind: string, key: string): Promise<boolean>;
  /** Entries of a kind in key order (at most `limit`). */
  list<T = unknown>(kind: string, limit?: number): Promise<Array<{ key: string; value: T; updatedAt: string }>>;
  /** How many entries of a kind there are. */
  count(kind: string): Promise<number>;
  /** Adds `by` to a numeric entry (created at 0) and returns the new value, atomically. */
  add(kind: string, key: string, by: number): Promise<number>;
}

/** What a service may read while handling an MO. */
export interface ServiceContext {
  now: Date;
  /** The tenant's IANA time zone (periods such as "one vote per day" are days there). */
  zone: string;
  entries: EntryStore;
  /** Which of these numbers have opted out of the tenant (nobody gets a relay after opting out). */
  optedOut(phones: string[]): Promise<Set<string>>;
  /** Responses already given in this conversation (or by this number, without one), oldest first. */
  responses(): Promise<StoredResponse[]>;
  /** The transaction the MO is handled in, for types with tables of their own (points ledger, referrals, lottery entries, code hashes): their writes commit with the MO's claim. */
  db: Db;
  /** `db` as a bulk target: an MO's hot statements run through it prepared once on SQLite (only while handling an MO, in its transaction; not in `results`). */
  bulk: BulkTarget;
  /** The node's secret key kept outside the database (code hashes, lottery seeds). */
  secret(): Buffer;
  /**
   * Writes `item` with the other items of `kind` at the end of the MO's inbound batch, all in one call of the `write`
   * given with the kind's first item (a multi-row insert instead of one statement per MO), in the batch's transaction;
   * dropped if this MO's work rolls back. Outside a batch it is written at once. Later reads in the same batch do not
   * see it: only for rows no MO reads back while the batch runs (append-only logs, tallies read by the results view).
   */
  writeLater<T>(kind: string, write: (db: Db, items: T[]) => Promise<void>, item: T): Promise<void>;
}

/** The service whose outcome fed another (a genuine first code check, a completed survey). */
export interface FeedSource { serviceId: string; type: string; inboundId: string }

/** One answer to keep (append-only). */
export interface ResponseDraft {
  step: string | null;
  raw: string;
  value: string | null;
  /** The branch the answer took: an option key, 'other', 'invalid', 'join', 'found'… */
  category: string;
  valid: boolean;
  score?: number | null;
}

/** A response as stored. */
export interface StoredResponse extends ResponseDraft {
  id: string; serviceVersion: number; conversationId: string | null; inboundId: string; phone: string; receivedAt: string;
}

/** A text to send: to the MO's sender unless `to` names other numbers (team relays). */
export interface ReplyDraft { text: string; to?: string[] }

/** What happens to the conversation after this MO. */
export type ConversationChange =
  | { wait: { step: string; data: Record<string, unknown>; prompt: string; retries?: number } }
  | { end: 'completed' | 'interrupted' }
  | null;

/** What handling one MO decided: replies, responses to keep, the conversation's next state. */
export interface Outcome {
  replies: ReplyDraft[];
  responses: ResponseDraft[];
  /** Omitted or null = no conversation (or the current one unchanged). */
  conversation?: ConversationChange;
  /** Data for a `service.completed` webhook (e.g. the score). */
  completed?: Record<string, unknown>;
  /** Replies are relays (team chat): no reply limits, not answers to the sender. */
  relay?: boolean;
  /** This MO earns what services fed by this one give (a lottery entry): a genuine first code check. A completion does too. */
  qualified?: boolean;
}

/** Time rules of a conversation, from a service's config. */
export interface ConversationTiming {
  /** Invalid answers to one step before the "other" branch is taken. */
  maxRetries: number;
  /** One reminder after this silence (0 = none). */
  remindAfterMs: number;
  /** The conversation expires after this silence; a later reply goes to the inbox. */
  expireAfterMs: number;
}

/** Localised name of a type for the console. */
export interface Labels { zh: string; en: string; ru: string }

/** A service type. */
export interface ServiceType<C = any> {
  type: string;
  labels: Labels;
  /** The config of a service of this type, validated when it is created or changed. */
  schema: z.ZodType<C>;
  /** Keywords the config itself declares (e.g. a list's leave words), held like the service's own. */
  configKeywords?(config: C): string[];
  /** The service takes every MO to its number that no keyword took (team chat); it needs a number. */
  ownsAddress?: boolean;
  /** Whether another service's keyword during this service's conversation starts that service (else it is an answer). */
  interruptible(config: C): boolean;
  timing(config: C): ConversationTiming;
  /** A text no keyword took that this service takes anyway (a bare anti-counterfeit code): the argument, or null. */
  bare?(config: C, text: string): string | null;
  /** The services whose qualifying outcomes feed this one (a lottery entered by a code check or a survey completion). */
  fedBy?(config: C): string[];
  /** Another service's qualifying outcome for this MO (inside its transaction): e.g. a lottery entry; the replies to add. */
  feed?(ctx: ServiceContext, service: ServiceAt<C>, mo: ServiceMo, source: FeedSource): Promise<ReplyDraft[]>;
  /** Rules may not change once the service has opened (a lottery's published rules): a change is refused, not versioned. */
  frozen?: boolean;
  /** Work when the service opens, inside the opening transaction (a lottery publishes its seed hash). */
  opened?(ctx: { db: Db; now: Date; secret(): Buffer }, service: ServiceAt<C>): Promise<void>;
  /** Work of the type on the timer rounds of a worker node (a lottery's draw at its time); safe to run on every node. */
  round?(deps: Deps): Promise<unknown>;
  /** Slow work (a network call) before a keyword is handled, outside any transaction; its result is `mo.prepared`. */
  prepare?(ctx: PrepareContext, service: ServiceAt<C>, mo: ServiceMo): Promise<unknown>;
  /** A keyword (or, for an address owner, any text) arrived with no conversation of this service waiting. */
  start(ctx: ServiceContext, service: ServiceAt<C>, mo: ServiceMo): Promise<Outcome>;
  /** An MO arrived while a conversation of this service waits. */
  answer(ctx: ServiceContext, service: ServiceAt<C>, mo: ServiceMo, conversation: ConversationView): Promise<Outcome>;
  /** The results view over the responses (and entries) of a service, with its conversations counted by state. */
  results(ctx: ServiceContext, service: ServiceAt<C>, responses: StoredResponse[], conversations: Record<string, number>): Promise<Record<string, unknown>>;
}

/** Defines a service type with its config type inferred from the schema. */
export function defineService<S extends z.ZodType>(t: ServiceType<z.infer<S>> & { schema: S }): ServiceType<z.infer<S>> {
  return t;
}

/** No conversation rules (single-step services). */
export const noTiming: ConversationTiming = { maxRetries: 0, remindAfterMs: 0, expireAfterMs: 0 };
