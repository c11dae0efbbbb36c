// Named shapes of the API, taken from the generated `paths` (openapi.gen.ts) so that none is restated by hand.
import type { paths } from './openapi.gen.ts';

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<C> = C extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON body an operation takes. */
export type RequestBody<P extends keyof paths, M extends Method> = Op<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
/** The JSON body of an operation's success answer (200, 201 or 202). */
export type ResponseBody<P extends keyof paths, M extends Method> = Op<P, M> extends { responses: infer R }
  ? R extends { 200: infer X } ? Json<X> : R extends { 201: infer X } ? Json<X> : R extends { 202: infer X } ? Json<X> : never
  : never;
/** The query parameters of an operation. */
export type Query<P extends keyof paths, M extends Method> = Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** `POST /api/v1/messages` body: recipients and text (or a template). */
export type SendRequest = RequestBody<'/api/v1/messages', 'post'>;
/** `POST /api/v1/messages` answer: one entry per recipient. */
export type SendResult = ResponseBody<'/api/v1/messages', 'post'>;
/** A message as `GET /api/v1/messages/{id}` answers it. */
export type Message = ResponseBody<'/api/v1/messages/{id}', 'get'>;
/** Filters of `GET /api/v1/messages` (the cursor is handled by the iterator). */
export type MessageQuery = Omit<Query<'/api/v1/messages', 'get'>, 'before'>;
/** A contact. */
export type Contact = ResponseBody<'/api/v1/contacts/{id}', 'get'>;
/** Filters of `GET /api/v1/contacts` (the cursor is handled by the iterator). */
export type ContactQuery = Omit<Query<'/api/v1/contacts', 'get'>, 'after' | 'phone'>;
/** `POST /api/v1/campaigns` body. */
export type CampaignInput = RequestBody<'/api/v1/campaigns', 'post'>;
/** A campaign with its statistics. */
export type Campaign = ResponseBody<'/api/v1/campaigns/{id}', 'get'>;
/** A campaign as listed, with its progress counts. */
export type CampaignListItem = ResponseBody<'/api/v1/campaigns', 'get'>['campaigns'][number];
/** Filters of `GET /api/v1/campaigns`. */
export type CampaignQuery = Omit<Query<'/api/v1/campaigns', 'get'>, 'before'>;
/** A campaign's pre-flight: counts, exclusions by reason and cost. */
export type Preflight = ResponseBody<'/api/v1/campaigns/{id}/preflight', 'post'>;
/** An import job and its counts. */
export type ImportJob = ResponseBody<'/api/v1/imports/{id}', 'get'>;
/** An inbox conversation as listed. */
export type Conversation = ResponseBody<'/api/v1/inbox', 'get'>['conversations'][number];
/** A conversation with its two-way thread. */
export type ConversationThread = ResponseBody<'/api/v1/inbox/{id}', 'get'>;
/** Filters of `GET /api/v1/inbox`. */
export type ConversationQuery = Omit<Query<'/api/v1/inbox', 'get'>, 'before'>;
/** `POST /api/v1/inbox/{id}/reply` body. */
export type ReplyInput = RequestBody<'/api/v1/inbox/{id}/reply', 'post'>;
/** `POST /api/v1/inbox/{id}/reply` answer. */
export type ReplyResult = ResponseBody<'/api/v1/inbox/{id}/reply', 'post'>;
/** An inbound (MO) message. */
export type InboundMessage = ResponseBody<'/api/v1/inbound', 'get'>['messages'][number];
/** Filters of `GET /api/v1/inbound`. */
export type InboundQuery = Omit<Query<'/api/v1/inbound', 'get'>, 'before'>;
