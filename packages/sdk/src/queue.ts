/**
 * Offline submission queue. A field officer's phone or a village post's laptop loses the
 * network exactly when it matters; a report typed then must not be lost, and must not be
 * created twice when the network comes back. Each entry is stored with its idempotency key
 * and sent with that same key on every attempt — across flushes, reloads and restarts — so
 * the server creates it once however often it is sent. Two browser tabs sharing one
 * `localStorage` may both send an entry; the key makes that harmless too.
 */
import { AuthError, SigapError } from './errors.js';
import { Emitter } from './internal/emitter.js';
import { QueueStore } from './internal/queue-store.js';
import { backoffMs, isRetryable, uuidv4 } from './internal/retry.js';
import type { HttpMethod, Query, Transport } from './internal/transport.js';
import { memoryStorage, type QueueStorage } from './storage.js';

export type { QueueStorage };

/** A write to replay later. GET is not queued: a stale read is useless offline. */
export interface QueuedRequest {
  method: Exclude<HttpMethod, 'GET'>;
  path: string;
  query?: Query;
  body?: unknown;
}

export interface QueueEntry {
  /** Sent as `Idempotency-Key` on every attempt; also the entry's id. */
  idempotencyKey: string;
  request: QueuedRequest;
  /** ISO 8601, when it was enqueued. */
  createdAt: string;
  /** Attempts so far (counted before sending, so a crash mid-send still counts). */
  attempts: number;
  /** The last retryable failure, for "waiting to send" UIs. */
  lastError?: { code: string; message: string; status?: number };
}

export interface QueueEvents {
  queued: { entry: QueueEntry };
  /** The server accepted the entry (2xx); it is removed. */
  sent: { entry: QueueEntry; data: unknown };
  /** The server rejected the entry for good (non-retryable 4xx); it is removed — show it to a person. */
  failed: { entry: QueueEntry; error: SigapError };
  /** A transient failure; the entry stays first in line and the queue retries after `delayMs`. */
  retry: { entry: QueueEntry; error: SigapError; delayMs: number };
  /** The number of pending entries changed. */
  change: { pending: number };
  /** A background flush failed outside a request (e.g. the storage threw). */
  error: { error: unknown };
}

export interface FlushResult {
  sent: number;
  failed: number;
  /** Entries still pending when the flush stopped. */
  remaining: number;
}

export interface SubmissionQueueOptions {
  transport: Transport;
  /** Default: {@link memoryStorage}. */
  storage?: QueueStorage;
  /** Storage key. Default `queue.v1`. */
  key?: string;
  /**
   * Flush on creation (entries left by an earlier run), after `enqueue`, on the `online`
   * event, and on a backoff timer while entries remain. Default `true`.
   */
  autoFlush?: boolean;
  /** Where to listen for `online`. Default: `globalThis` when it has `addEventListener` (browsers, Deno). */
  onlineTarget?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null;
  /** Backoff between automatic flushes: base (default 1 000 ms) and cap (default 300 000 ms). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /**
   * Transport retries inside one flush. Default 0: the queue's own backoff is the retry
   * loop, and a flush should not sit on one entry while the network is down.
   */
  maxRetries?: number;
  random?: () => number;
  now?: () => number;
}

/**
 * @example
 * const queue = new SubmissionQueue({ transport, storage: localStorageAdapter(localStorage) });
 * queue.on('failed', ({ entry, error }) => alert(`Report ${entry.idempotencyKey} rejected: ${error.message}`));
 * await queue.enqueue({ method: 'POST', path: '/v1/incidents', body: report });
 */
export class SubmissionQueue extends Emitter<QueueEvents> {
  private readonly transport: Transport;
  private readonly store: QueueStore<QueueEntry>;
  private readonly opts: SubmissionQueueOptions;
  private readonly onlineTarget: SubmissionQueueOptions['onlineTarget'];
  private readonly abort = new AbortController();
  private flushing: Promise<FlushResult> | undefined;
  private flushAgain = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;
  private readonly onOnline = () => {
    this.failures = 0; // the network is back: try now, not after the current backoff
    this.kick();
  };

  constructor(opts: SubmissionQueueOptions) {
    super();
    this.opts = opts;
    this.transport = opts.transport;
    this.store = new QueueStore(opts.storage ?? memoryStorage(), opts.key ?? 'queue.v1');
    const g = globalThis as Partial<EventTarget>;
    this.onlineTarget =
      opts.onlineTarget !== undefined
        ? opts.onlineTarget
        : typeof g.addEventListener === 'function'
          ? (g as EventTarget)
          : null;
    if (opts.autoFlush ?? true) {
      this.onlineTarget?.addEventListener('online', this.onOnline);
      this.kick(); // send what an earlier run (a reload, a crash) left behind
    }
  }

  /**
   * Stores a write to send now or later. Resolves once it is in storage; rejects if the
   * storage refused it (quota), so a report is never believed queued when it is not.
   * Enqueueing an idempotency key that is already pending returns the existing entry.
   *
   * @example
   * const entry = await queue.enqueue({ method: 'POST', path: '/v1/incidents', body: report });
   * console.log(entry.idempotencyKey);
   */
  async enqueue(request: QueuedRequest, options: { idempotencyKey?: string } = {}): Promise<QueueEntry> {
    if (this.closed) throw new SigapError('The queue is closed', { code: 'SIGAP_ERR_QUEUE_CLOSED' });
    const fresh: QueueEntry = {
      idempotencyKey: options.idempotencyKey ?? uuidv4(),
      request,
      createdAt: new Date((this.opts.now ?? Date.now)()).toISOString(),
      attempts: 0,
    };
    const { entry, added, pending } = await this.store.mutate((entries) => {
      const existing = entries.find((e) => e.idempotencyKey === fresh.idempotencyKey);
      if (!existing) entries.push(fresh);
      return { entry: existing ?? fresh, added: !existing, pending: entries.length };
    });
    if (added) {
      this.emit('queued', { entry });
      this.emit('change', { pending });
    }
    this.kick();
    return entry;
  }

  /** Number of entries waiting to be sent. */
  async pending(): Promise<number> {
    return (await this.store.load()).length;
  }

  /** A copy of the waiting entries, oldest first. */
  async entries(): Promise<QueueEntry[]> {
    return this.store.load();
  }

  /**
   * Sends pending entries in order. Stops at the first transient failure (later entries
   * must not overtake an earlier one) and schedules a retry. If a flush is already running,
   * returns it, and it makes one more pass so nothing enqueued meanwhile is skipped.
   *
   * @example
   * window.addEventListener('focus', () => void queue.flush());
   */
  flush(): Promise<FlushResult> {
    if (this.closed) return Promise.resolve({ sent: 0, failed: 0, remaining: 0 });
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.clearTimer();
    const run = (async () => {
      const total: FlushResult = { sent: 0, failed: 0, remaining: 0 };
      try {
        for (;;) {
          this.flushAgain = false;
          const pass = await this.drain(total);
          total.remaining = await this.pending();
          if (pass === 'stopped' || !this.flushAgain) return total;
        }
      } finally {
        // Cleared in the same synchronous step as the last `flushAgain` check (no await in
        // between), so a flush() call can never join a run that has already decided to finish.
        this.flushing = undefined;
      }
    })();
    this.flushing = run;
    return run;
  }

  /**
   * Stops timers and the `online` listener and aborts an in-flight send. That entry stays
   * stored; whoever sends it next uses the same key, so the server still creates it once.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    this.onlineTarget?.removeEventListener('online', this.onOnline);
    this.abort.abort();
    await this.flushing?.catch(() => undefined);
  }

  /** One pass over the stored entries; `'stopped'` when a transient failure ends it. */
  private async drain(total: FlushResult): Promise<'done' | 'stopped'> {
    while (!this.closed) {
      const entry = await this.store.mutate((entries) => {
        const head = entries[0];
        if (head) head.attempts += 1;
        return head && { ...head };
      });
      if (!entry) return 'done';
      let data: unknown;
      try {
        data = await this.transport.request({
          ...entry.request,
          idempotencyKey: entry.idempotencyKey,
          maxRetries: this.opts.maxRetries ?? 0,
          signal: this.abort.signal,
        });
      } catch (err) {
        const error =
          err instanceof SigapError
            ? err
            : new SigapError(String(err), { code: 'SIGAP_ERR_UNKNOWN', cause: err });
        if (this.closed) return 'stopped';
        const accepted = error.status !== undefined && error.status >= 200 && error.status < 300;
        // Keep on transient failures, on 401 (a revoked or rotated key is the client's problem,
        // not the report's: dropping every queued report would be the worst outcome), and on
        // anything unexpected. Only a definite 4xx verdict on the entry itself removes it.
        if (!accepted && (isRetryable(error) || error instanceof AuthError || error.status === undefined)) {
          await this.hold(entry, error);
          return 'stopped';
        }
        if (!accepted) {
          const pending = await this.store.remove(entry.idempotencyKey);
          total.failed += 1;
          this.emit('failed', { entry, error });
          this.emit('change', { pending });
          continue;
        }
      }
      const pending = await this.store.remove(entry.idempotencyKey);
      this.failures = 0;
      total.sent += 1;
      this.emit('sent', { entry, data });
      this.emit('change', { pending });
    }
    return 'stopped';
  }

  /** Records a transient failure and schedules the next attempt with backoff. */
  private async hold(entry: QueueEntry, error: SigapError): Promise<void> {
    const lastError = {
      code: error.code,
      message: error.message,
      ...(error.status ? { status: error.status } : {}),
    };
    await this.store.mutate((entries) => {
      const stored = entries.find((e) => e.idempotencyKey === entry.idempotencyKey);
      if (stored) stored.lastError = lastError;
    });
    const cap = this.opts.retryCapMs ?? 300_000;
    let delayMs = backoffMs(
      this.failures++,
      this.opts.retryBaseMs ?? 1_000,
      cap,
      this.opts.random ?? Math.random,
    );
    const retryAfter = (error as { retryAfter?: number }).retryAfter;
    if (typeof retryAfter === 'number') delayMs = Math.min(cap, Math.max(delayMs, retryAfter * 1000));
    this.emit('retry', { entry: { ...entry, lastError }, error, delayMs });
    if (this.opts.autoFlush ?? true) this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delayMs);
    // In Node, a pending retry must not keep a CLI process alive; browsers return a number.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Fire-and-forget flush for the automatic triggers; its failures become `error` events. */
  private kick(): void {
    if (this.closed || !(this.opts.autoFlush ?? true)) return;
    this.flush().catch((error: unknown) => this.emit('error', { error }));
  }
}
