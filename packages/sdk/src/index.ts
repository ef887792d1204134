/**
 * `@sigap/sdk`: the public surface. Anything not exported here (notably `src/internal/`)
 * is not public API and may change without notice.
 */

export type { ClientOptions } from './client.js';
export { createClient, SigapClient } from './client.js';
export type { FieldError, HeadersLike, SigapErrorInit } from './errors.js';
export {
  AbortError,
  APIError,
  AuthError,
  ClientErrorCode,
  ConflictError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  SigapError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export type { PageFetcher } from './internal/pagination.js';
export { Page, PagePromise } from './internal/pagination.js';
export { IDEMPOTENCY_IN_PROGRESS, isRetryable } from './internal/retry.js';
export type {
  APIResponse,
  FetchLike,
  HttpMethod,
  Query,
  QueryValue,
  RequestOptions,
  RequestParams,
  TransportOptions,
} from './internal/transport.js';
export { Transport } from './internal/transport.js';
export type { ErrorResponse, PageResponse } from './internal/wire.js';
export type { FlushResult, QueuedRequest, QueueEntry, QueueEvents, SubmissionQueueOptions } from './queue.js';
export { SubmissionQueue } from './queue.js';
export type { QueueStorage, WebStorageLike } from './storage.js';
export { localStorageAdapter, memoryStorage } from './storage.js';
