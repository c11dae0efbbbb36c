// @tidings/sdk: the typed TypeScript client of the Tidings SMS platform.
export { Tidings, unwrap, type TidingsOptions, type RawRequestOptions } from './client.ts';
export { TidingsError, type ErrorEnvelope } from './errors.ts';
export { defaultRetryPolicy, type RetryPolicy, type RetryEvent } from './retry.ts';
export { paginate, type Page } from './pagination.ts';
export { Messages, newIdempotencyKey, type SendOptions } from './messages.ts';
export { Contacts } from './contacts.ts';
export { Campaigns, type CampaignProgress, type WatchOptions } from './campaigns.ts';
export { Imports, type ImportFields, type ImportFile, type ImportRunOptions } from './imports.ts';
export { Inbox } from './inbox.ts';
export {
  verifyWebhook, signatureProblem, WebhookVerificationError, signatureHeaderName, eventHeaderName, deliveryHeaderName,
  type WebhookEvent, type VerifyOptions,
} from './webhooks.ts';
export {
  nodeWebhookHandler, expressWebhook, fastifyWebhook, readRawBody,
  type WebhookHandlerOptions, type ExpressLikeRequest, type ExpressLikeResponse, type FastifyLikeInstance,
} from './webhook-adapters.ts';
export type * from './types.ts';
export type { paths } from './openapi.gen.ts';
