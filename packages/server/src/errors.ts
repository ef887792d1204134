import type { FieldError } from '@sigap/contract';

/**
 * The one registry of error codes the API returns. Every code has a status and a default
 * message; `errors.test.ts` checks that each is documented in the server README.
 */
export const ERRORS = {
  SIGAP_ERR_VALIDATION: { status: 400, message: 'The request is invalid; see details for each field.' },
  SIGAP_ERR_BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  SIGAP_ERR_BAD_REQUEST: { status: 400, message: 'The request is not well-formed HTTP.' },
  SIGAP_ERR_BAD_URL: { status: 400, message: 'The URL has an invalid percent-encoding.' },
  SIGAP_ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.' },
  SIGAP_ERR_URI_TOO_LONG: { status: 414, message: 'The URL or one of its path parameters is too long.' },
  SIGAP_ERR_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  SIGAP_ERR_UNAUTHENTICATED: { status: 401, message: 'A valid API key is required.' },
  SIGAP_ERR_FORBIDDEN: { status: 403, message: 'This key may not do that.' },
  SIGAP_ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  SIGAP_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  SIGAP_ERR_CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  SIGAP_ERR_ILLEGAL_TRANSITION: { status: 409, message: 'That status change is not allowed from here.' },
  SIGAP_ERR_IDEMPOTENCY_MISMATCH: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  },
  SIGAP_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  SIGAP_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (Content-Type: application/json).' },
  SIGAP_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; retry after the given time.' },
  SIGAP_ERR_INTERNAL: { status: 500, message: 'Internal error; it has been logged with the request id.' },
  SIGAP_ERR_UNAVAILABLE: { status: 503, message: 'Temporarily unavailable; retry after the given time.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error the API reports as-is: its code, status and (safe) message reach the client. */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { details?: FieldError[]; allowed?: string[]; retryAfterSeconds?: number } = {},
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'ApiError';
    this.statusCode = ERRORS[code].status;
  }
}
