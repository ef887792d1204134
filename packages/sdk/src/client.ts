/**
 * The client object regency apps hold: one transport (auth, retries, timeouts) and one
 * offline queue, wired together. Resources (incidents, assignments, calls, units, geocode,
 * live) hang off it and share the transport.
 */
import type { FetchLike } from './internal/transport.js';
import { Transport } from './internal/transport.js';
import type { WebSocketConstructor } from './internal/websocket.js';
import { SubmissionQueue, type SubmissionQueueOptions } from './queue.js';
import { Assignments } from './resources/assignments.js';
import { Calls } from './resources/calls.js';
import { Geocode } from './resources/geocode.js';
import { Incidents } from './resources/incidents.js';
import { Live } from './resources/live.js';
import { Units } from './resources/units.js';
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
  /**
   * `incidents.submit` queues a report instead of throwing when the network is down.
   * Default: `true` when `storage` is given (the app chose where reports wait), else `false`.
   */
  offline?: boolean;
  /**
   * The WebSocket class for the live stream. Default: `globalThis.WebSocket` (browsers, React
   * Native, Deno, Bun, Node >= 22; Node 20 with `--experimental-websocket`); without one the
   * live stream polls. Node 20 may pass the `ws` package's class.
   */
  WebSocket?: WebSocketConstructor;
  /** Per attempt, in ms. Default 15 000. */
  timeoutMs?: number;
  /** Retries after the first attempt, at least. Default 3. */
  retries?: number;
  /** Keep retrying a failed request (past `retries`) until this long after its first attempt. Default 30 000 ms. */
  retryWindowMs?: number;
  /** Advanced queue settings (`autoFlush`, backoff, storage key...). */
  queue?: Omit<SubmissionQueueOptions, 'transport' | 'storage'>;
}

export class SigapClient {
  /** Low-level HTTP access for resources and endpoints the SDK does not wrap yet. */
  readonly transport: Transport;
  /** Writes that must survive being offline. */
  readonly queue: SubmissionQueue;
  /** Whether `incidents.submit` queues when offline (see {@link ClientOptions.offline}). */
  readonly offline: boolean;
  readonly WebSocket: WebSocketConstructor | undefined;
  readonly incidents: Incidents;
  readonly assignments: Assignments;
  readonly calls: Calls;
  readonly units: Units;
  readonly geocode: Geocode;
  readonly live: Live;

  constructor(options: ClientOptions) {
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.retries !== undefined && { maxRetries: options.retries }),
      ...(options.retryWindowMs !== undefined && { retryWindowMs: options.retryWindowMs }),
    });
    this.queue = new SubmissionQueue({
      ...options.queue,
      transport: this.transport,
      ...(options.storage !== undefined && { storage: options.storage }),
    });
    this.offline = options.offline ?? options.storage !== undefined;
    this.WebSocket = options.WebSocket;
    this.incidents = new Incidents(this);
    this.assignments = new Assignments(this.transport);
    this.calls = new Calls(this.transport);
    this.units = new Units(this.transport);
    this.geocode = new Geocode(this.transport);
    this.live = new Live(this);
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
 * const result = await sigap.incidents.submit(report); // queued when offline
 * const tracker = await sigap.incidents.track(id, (incident) => render(incident.status));
 */
export function createClient(options: ClientOptions): SigapClient {
  return new SigapClient(options);
}
