// The one error type of the SDK: an error answer of the API (its stable code) or a request that got no answer.

/** The error envelope every Tidings API error answers with. */
export interface ErrorEnvelope { error: { code: string; message: string; details?: unknown } }

/** An API error (`code` is the API's stable code, e.g. `invalid_request`), or `network` when no answer came. */
export class TidingsError extends Error {
  /** The API's stable error code, or `network` / `invalid_response`. */
  readonly code: string;
  /** The HTTP status (0 when the server could not be reached). */
  readonly status: number;
  /** The API's `details` (e.g. `{ fields: [{ field, message }] }` for a 400). */
  readonly details: unknown;

  constructor(code: string, message: string, status: number, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TidingsError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** The low-level reason a request got no answer (`ECONNREFUSED`, `ETIMEDOUT`…), when there is one. */
  get networkCode(): string | undefined {
    const cause = this.cause as { code?: unknown; cause?: { code?: unknown } } | undefined;
    const code = cause?.cause?.code ?? cause?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

/** The TidingsError for a failed answer, read from its error envelope (or its status text when there is none). */
export function errorOf(status: number, statusText: string, body: unknown): TidingsError {
  const e = (body as Partial<ErrorEnvelope> | null)?.error;
  if (e && typeof e.code === 'string') return new TidingsError(e.code, typeof e.message === 'string' ? e.message : statusText, status, e.details);
  const text = typeof body === 'string' && body ? body.slice(0, 500) : statusText || `HTTP ${status}`;
  return new TidingsError(status === 429 ? 'rate_limited' : status >= 500 ? 'unavailable' : 'invalid_request', text, status);
}
