/**
 * The SDK's error hierarchy. Everything the SDK throws is a {@link SigapError}, so one
 * `instanceof SigapError` check separates "the Sigap call failed" from bugs in the caller.
 *
 * ```
 * SigapError
 * ├── APIError            the server answered with a non-2xx status
 * │   ├── ValidationError 400 (details)
 * │   ├── AuthError       401
 * │   ├── ForbiddenError  403
 * │   ├── NotFoundError   404
 * │   ├── ConflictError   409 (allowed)
 * │   ├── RateLimitError  429 (retryAfter)
 * │   └── ServerError     5xx (retryAfter on 503)
 * ├── NetworkError        no answer at all
 * │   └── TimeoutError    no answer within the timeout
 * └── AbortError          the caller's AbortSignal fired
 * ```
 */
import {
  asErrorResponse,
  type FieldError,
  type HeadersLike,
  getHeader as header,
  parseRetryAfterMs,
} from './internal/wire.js';

export type { FieldError, HeadersLike };

/** Codes the SDK itself produces (the server's own codes are `SIGAP_ERR_*` too). */
export const ClientErrorCode = {
  /** The request never got an HTTP answer (DNS, refused connection, offline, CORS...). */
  Network: 'SIGAP_ERR_NETWORK',
  Timeout: 'SIGAP_ERR_TIMEOUT',
  Aborted: 'SIGAP_ERR_ABORTED',
  /** A non-2xx answer without a Sigap error body (e.g. an HTML page from a proxy). */
  Unknown: 'SIGAP_ERR_UNKNOWN',
  /** A 2xx answer whose body is not the JSON the API promises. */
  InvalidResponse: 'SIGAP_ERR_INVALID_RESPONSE',
  /** No `fetch` in this runtime and none was given in the options. */
  NoFetch: 'SIGAP_ERR_NO_FETCH',
} as const;

export interface SigapErrorInit {
  status?: number | undefined;
  code: string;
  requestId?: string | undefined;
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class SigapError extends Error {
  override name = 'SigapError';
  /** HTTP status; `undefined` when no answer arrived (network, timeout, abort). */
  readonly status: number | undefined;
  /** `SIGAP_ERR_*`: the server's code, or one of {@link ClientErrorCode}. */
  readonly code: string;
  /** The server's request id (body `requestId` or `x-request-id` header), for support tickets. */
  readonly requestId: string | undefined;

  constructor(message: string, init: SigapErrorInit) {
    super(message);
    // Set by hand: `new Error(msg, { cause })` is ES2022 and ignored by older engines.
    if (init.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: init.cause, writable: true, configurable: true });
    }
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
  }
}

/** The server answered with a non-2xx status. Use {@link APIError.generate} to get the right subclass. */
export class APIError extends SigapError {
  override name = 'APIError';
  declare readonly status: number;
  /** The parsed body (JSON when possible, else the raw text). */
  readonly body: unknown;
  readonly headers: HeadersLike;

  constructor(status: number, body: unknown, headers: HeadersLike, message?: string) {
    const parsed = asErrorResponse(body);
    const requestId = parsed?.requestId ?? header(headers, 'x-request-id');
    const text = typeof body === 'string' && body.length > 0 ? `: ${body.slice(0, 200)}` : '';
    super(message ?? parsed?.message ?? `HTTP ${status}${text}`, {
      status,
      code: parsed?.code ?? ClientErrorCode.Unknown,
      requestId,
    });
    this.body = body;
    this.headers = headers;
  }

  /**
   * Picks the subclass for a status. Bodies that are not Sigap error bodies (a proxy's
   * HTML 502, an empty 503) still give a typed error with code `SIGAP_ERR_UNKNOWN`.
   *
   * @example
   * const err = APIError.generate(404, { code: 'SIGAP_ERR_NOT_FOUND', message: 'No such incident', requestId: 'r1' }, undefined);
   * err instanceof NotFoundError; // true
   */
  static generate(status: number, body: unknown, headers: HeadersLike): APIError {
    if (status === 400) return new ValidationError(status, body, headers);
    if (status === 401) return new AuthError(status, body, headers);
    if (status === 403) return new ForbiddenError(status, body, headers);
    if (status === 404) return new NotFoundError(status, body, headers);
    if (status === 409) return new ConflictError(status, body, headers);
    if (status === 429) return new RateLimitError(status, body, headers);
    if (status >= 500) return new ServerError(status, body, headers);
    return new APIError(status, body, headers);
  }
}

/** 400: the request did not match the API's schema or rules; `details` says where. */
export class ValidationError extends APIError {
  override name = 'ValidationError';
  readonly details: FieldError[];
  constructor(status: number, body: unknown, headers: HeadersLike) {
    super(status, body, headers);
    this.details = asErrorResponse(body)?.details ?? [];
  }
}

/** 401: missing, unknown or revoked API key. */
export class AuthError extends APIError {
  override name = 'AuthError';
}

/** 403: the key is valid but may not do this (another tenant's data, a read-only key...). */
export class ForbiddenError extends APIError {
  override name = 'ForbiddenError';
}

/** 404: no such resource (or not visible to this key). */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}

/**
 * 409: the request conflicts with the resource's current state. On an illegal status
 * transition, `allowed` lists the states the resource may move to next.
 */
export class ConflictError extends APIError {
  override name = 'ConflictError';
  readonly allowed: string[] | undefined;
  constructor(status: number, body: unknown, headers: HeadersLike) {
    super(status, body, headers);
    this.allowed = asErrorResponse(body)?.allowed;
  }
}

function retryAfterSeconds(headers: HeadersLike): number | undefined {
  const ms = parseRetryAfterMs(header(headers, 'retry-after'), Date.now());
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** 429: too many requests; `retryAfter` is the server's `Retry-After`, in seconds. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  readonly retryAfter: number | undefined;
  constructor(status: number, body: unknown, headers: HeadersLike) {
    super(status, body, headers);
    this.retryAfter = retryAfterSeconds(headers);
  }
}

/** 5xx: the server failed. On 503, `retryAfter` (seconds) says when to come back. */
export class ServerError extends APIError {
  override name = 'ServerError';
  readonly retryAfter: number | undefined;
  constructor(status: number, body: unknown, headers: HeadersLike) {
    super(status, body, headers);
    this.retryAfter = retryAfterSeconds(headers);
  }
}

/** No HTTP answer arrived: offline, DNS failure, refused connection, CORS rejection. */
export class NetworkError extends SigapError {
  override name = 'NetworkError';
  constructor(message = 'Network request failed', init?: Partial<SigapErrorInit>) {
    super(message, { code: ClientErrorCode.Network, ...init });
  }
}

/** No answer within the timeout. A `NetworkError`, so it is retried like one. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
  constructor(timeoutMs: number, init?: Partial<SigapErrorInit>) {
    super(`Request timed out after ${timeoutMs} ms`, { code: ClientErrorCode.Timeout, ...init });
  }
}

/** The caller's `AbortSignal` fired. Never retried. */
export class AbortError extends SigapError {
  override name = 'AbortError';
  constructor(message = 'Request aborted by the caller', init?: Partial<SigapErrorInit>) {
    super(message, { code: ClientErrorCode.Aborted, ...init });
  }
}
