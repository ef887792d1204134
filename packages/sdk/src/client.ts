/**
 * The client object regency apps hold: one transport (auth, retries, timeouts) and one
 * offline queue, wired together. Resources (incidents, calls, units, geocode, live) hang
 * off it and share the transport.
 */
import type { FetchLike } from './internal/transport.js';
import { Transport } from './internal/transport.js';
import { SubmissionQueue, type SubmissionQueueOptions } from './queue.js';
import type { QueueStorage } from './storage.js';

export interface ClientOptions {
  /** e.g. `https://sigap.sidoarjokab.go.id` or `http://127.0.0.1:3112`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Default: `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Where the offline queue persists entries. Default: in memory. */
  storage?: QueueStorage;
  /** Per attempt, in ms. Default 15 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Advanced queue settings (`autoFlush`, backoff, storage key...). */
  queue?: Omit<SubmissionQueueOptions, 'transport' | 'storage'>;
}

export class SigapClient {
  /** Low-level HTTP access for resources and endpoints the SDK does not wrap yet. */
  readonly transport: Transport;
  /** Writes that must survive being offline. */
  readonly queue: SubmissionQueue;

  constructor(options: ClientOptions) {
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.retries !== undefined && { maxRetries: options.retries }),
    });
    this.queue = new SubmissionQueue({
      ...options.queue,
      transport: this.transport,
      ...(options.storage !== undefined && { storage: options.storage }),
    });
  }

  /** Stops the queue's timers and listeners (call on logout or app teardown). */
  close(): Promise<void> {
    return this.queue.close();
  }
}

/**
 * Creates a client.
 *
 * @example
 * import { createClient, localStorageAdapter } from '@sigap/sdk';
 *
 * const sigap = createClient({
 *   baseUrl: 'https://sigap.sidoarjokab.go.id',
 *   apiKey: 'sk_live_...',
 *   storage: localStorageAdapter(window.localStorage),
 * });
 * const incident = await sigap.transport.request({ method: 'GET', path: '/v1/incidents/inc_1' });
 * await sigap.queue.enqueue({ method: 'POST', path: '/v1/incidents', body: report });
 */
export function createClient(options: ClientOptions): SigapClient {
  return new SigapClient(options);
}
