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
export type { LiveHandlers, SubscribeOptions } from './internal/live-subscription.js';
export { LiveSubscription } from './internal/live-subscription.js';
export type { PageFetcher } from './internal/pagination.js';
export { Page, PagePromise } from './internal/pagination.js';
export { IDEMPOTENCY_IN_PROGRESS, isRetryable } from './internal/retry.js';
export type { IncidentTracker, TrackOptions, TrackUpdate } from './internal/track.js';
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
export type { WebSocketConstructor, WebSocketLike } from './internal/websocket.js';
export type { ErrorResponse, PageResponse } from './internal/wire.js';
export type { FlushResult, QueuedRequest, QueueEntry, QueueEvents, SubmissionQueueOptions } from './queue.js';
export { SubmissionQueue } from './queue.js';
export type { Assignments } from './resources/assignments.js';
export type { Calls } from './resources/calls.js';
export type { Geocode } from './resources/geocode.js';
export type {
  Incidents,
  QueuedSubmission,
  SubmissionEvents,
  SubmitOptions,
  SubmitResult,
  SubmittedIncident,
} from './resources/incidents.js';
export type { Live } from './resources/live.js';
export type { Units } from './resources/units.js';
export type { QueueStorage, WebStorageLike } from './storage.js';
export { localStorageAdapter, memoryStorage } from './storage.js';
export type * from './types.js';
