/** Stable error codes of the domain, each with what it means; the API maps them to HTTP statuses. */
export const errorCodes = {
  invalid_request: 'The request is malformed or a field is invalid.',
  unauthenticated: 'No credentials, or the credentials are wrong, expired or revoked.',
  forbidden: 'The credentials are valid but the role does not allow this action.',
  csrf_failed: 'The console session needs the X-CSRF-Token header on changing requests.',
  not_found: 'The resource does not exist (or belongs to another tenant).',
  conflict: 'The resource already exists or is in a state that forbids this action.',
  payload_too_large: 'The body or the uploaded file exceeds the configured limit.',
  rate_limited: 'Too many attempts; wait and try again.',
  insufficient_balance: 'The tenant balance does not cover the cost.',
  filter_syntax: 'The segment filter has a syntax error at the given position.',
  signature_not_approved: 'The signature (签名) the message would carry is not one the platform approved for the tenant.',
  marketing_suspended: 'The platform suspended this tenant\'s marketing (complaints or opt-outs above its thresholds).',
  unavailable: 'A dependency (database, channel) is not available.',
  internal: 'An unexpected error; the details are in the server log.',
} as const;

/** One of the stable error codes. */
export type ErrorCode = keyof typeof errorCodes;

/** An error with a stable code, a human message and optional structured details. */
export class DomainError extends Error {
  readonly code: string;
  readonly details?: unknown;
  constructor(code: ErrorCode | string, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for a not_found error naming the kind of resource. */
export function notFound(what: string): DomainError {
  return new DomainError('not_found', `${what} not found`);
}
