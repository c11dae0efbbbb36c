import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, type ErrorCode } from '../../domain/errors.ts';

/** The one registry of error codes → HTTP statuses. */
export const httpStatusOf: Record<ErrorCode, number> = {
  invalid_request: 400,
  filter_syntax: 400,
  unauthenticated: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  insufficient_balance: 402,
  signature_not_approved: 409,
  marketing_suspended: 403,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The error envelope of every API error. */
export interface ErrorBody { error: { code: string; message: string; details?: unknown } }

function envelope(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * A domain error's details, with the one field a rule refused (`field`) also given as `fields` — the shape schema
 * validation errors have — so a client reads the refused fields from one place.
 */
function domainDetails(e: DomainError): unknown {
  const d = e.details as { field?: unknown; fields?: unknown } | undefined;
  if (!d || typeof d !== 'object' || typeof d.field !== 'string' || d.fields !== undefined) return e.details;
  return { ...d, fields: [{ field: d.field, message: e.message }] };
}

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const fastifyCodes: Record<string, [ErrorCode, number]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 413],
  FST_REQ_FILE_TOO_LARGE: ['payload_too_large', 413],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['invalid_request', 415],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_request', 400],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_request', 400],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['invalid_request', 406],
};

/** Installs the error and not-found handlers that turn everything into the envelope. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((e: unknown, request, reply) => {
    if (e instanceof DomainError) {
      const status = httpStatusOf[e.code as ErrorCode] ?? 400;
      return reply.status(status).send(envelope(e.code, e.message, domainDetails(e)));
    }
    const err = e as FastifyError;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({ field: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`, message: v.message }));
      const first = fields[0];
      return reply.status(400).send(envelope('invalid_request', `${first.field}: ${first.message}`, { fields }));
    }
    if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return reply.status(400).send(envelope('invalid_request', `malformed JSON body: ${err.message}`));
    }
    const mapped = err.code ? fastifyCodes[err.code] : undefined;
    if (mapped) return reply.status(mapped[1]).send(envelope(mapped[0], err.message));
    if (isResponseSerializationError(err)) request.log.error({ err, route: request.routeOptions.url }, 'response does not match its schema');
    if (err.statusCode && err.statusCode < 500) {
      const code = err.statusCode === 429 ? 'rate_limited' : err.statusCode === 413 ? 'payload_too_large' : 'invalid_request';
      return reply.status(err.statusCode).send(envelope(code, err.message));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(envelope('internal', 'internal error; see the server log'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(envelope('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
