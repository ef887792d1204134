/**
 * The live feed: the SDK's `live.subscribe` (token, WebSocket, resume by `seq`, backoff,
 * polling fallback) plus what a kiosk needs on top:
 * - when the SDK stops for good (a refused key, a bad filter), a fresh subscription is tried
 *   again later from the last position, so the board recovers once the key is fixed;
 * - when the browser says the network is back (`online`), a board that is not live
 *   resubscribes at once instead of waiting out its backoff.
 */
import type { LiveEvent, LiveSnapshot, LiveStatus, LiveSubscription, SigapClient } from '@sigap/sdk';
import type { Connection } from '../controls/indicator.js';

export interface LiveFeedHandlers {
  onSnapshot(snapshot: LiveSnapshot): void;
  onMessage(message: LiveEvent): void;
  onConnection(connection: Connection): void;
  /** The position to resume from (the board's state, which may be ahead of the SDK's). */
  position(): number | null;
}

export interface LiveFeedOptions {
  /** After the SDK closed for good. Default 30 s (an auth failure: 60 s). */
  restartMs?: number;
  /** Passed to the SDK (tests shorten backoffs). */
  subscribe?: Parameters<SigapClient['live']['subscribe']>[2];
}

/**
 * @example
 * const feed = new LiveFeed(client, { onSnapshot, onMessage, onConnection, position: () => state.seq });
 * feed.start();
 */
export class LiveFeed {
  private sub: LiveSubscription | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly onOnline = () => {
    if (this.sub && this.sub.status !== 'live') this.restart();
  };

  constructor(
    private readonly client: SigapClient,
    private readonly handlers: LiveFeedHandlers,
    private readonly options: LiveFeedOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    globalThis.addEventListener?.('online', this.onOnline);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    globalThis.removeEventListener?.('online', this.onOnline);
    const sub = this.sub;
    this.sub = null;
    sub?.close();
  }

  get status(): LiveStatus {
    return this.sub?.status ?? 'closed';
  }

  /** Drops the subscription and opens a new one from the board's position. */
  restart(): void {
    const old = this.sub;
    this.sub = null;
    old?.close();
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    clearTimeout(this.restartTimer);
    const since = this.handlers.position();
    let sub: LiveSubscription | null = null;
    sub = this.client.live.subscribe(
      since === null ? {} : { since },
      {
        onSnapshot: (snapshot) => this.handlers.onSnapshot(snapshot),
        onMessage: (message) => this.handlers.onMessage(message),
        onStatus: (status) => {
          if (sub !== this.sub) return; // an old subscription closing
          if (status !== 'closed') {
            this.handlers.onConnection(status);
            return;
          }
          const error = sub?.error;
          const auth = error?.status === 401 || error?.status === 403;
          this.handlers.onConnection(auth ? 'auth-failed' : 'closed');
          this.restartTimer = setTimeout(
            () => this.restart(),
            auth ? Math.max(60_000, this.options.restartMs ?? 0) : (this.options.restartMs ?? 30_000),
          );
        },
      },
      this.options.subscribe,
    );
    this.sub = sub;
  }
}
