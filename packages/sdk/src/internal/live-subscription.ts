/**
 * NOT PUBLIC API (the class is exported as a type; make one with `client.live.subscribe`).
 *
 * One subscription to the live stream that does not give up: WebSocket first, authenticated
 * by a short-lived token (browsers cannot set headers on a WebSocket); after a drop it
 * reconnects with exponential backoff + full jitter and `since=<last seq>`, so the server
 * replays what was missed; when WebSockets are unavailable or keep failing it polls
 * `GET /v1/events?since=` and keeps trying WebSockets in the background. Both paths feed one
 * `receive()`, which drops any `seq` it has already delivered: no event is missed or repeated.
 */
import { APIError, AuthError, ForbiddenError, type SigapError } from '../errors.js';
import type {
  Call,
  Incident,
  LiveEvent,
  LiveFilters,
  LiveSnapshot,
  LiveStatus,
  LiveToken,
  Unit,
} from '../types.js';
import { Poller, type PollerHost, type Received } from './live-poller.js';
import { backoffMs } from './retry.js';
import type { Query, Transport } from './transport.js';
import { globalWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket.js';

export interface LiveHandlers {
  /** Without `since`: the open incidents and units as of `snapshot.seq` (also when polling). */
  onSnapshot?: (snapshot: LiveSnapshot) => void;
  /** Every event, once, in `seq` order. */
  onMessage?: (message: LiveEvent) => void;
  onIncident?: (incident: Incident, message: LiveEvent) => void;
  onUnit?: (unit: Unit, message: LiveEvent) => void;
  onCall?: (call: Call, message: LiveEvent) => void;
  /** The connection changed; show it, so nobody trusts a board that is not live. */
  onStatus?: (status: LiveStatus, previous: LiveStatus) => void;
  /**
   * A failure. Fatal ones (401/403 after a token refresh, a bad filter: 400) come with the
   * status `closed`; others (a failed poll or token request) are followed by a retry.
   */
  onError?: (error: SigapError) => void;
}

export interface SubscribeOptions {
  /** Default: the client's `WebSocket` option, else `globalThis.WebSocket`; none → polling. */
  WebSocket?: WebSocketConstructor;
  /** Failed WebSocket attempts in a row before polling. Default 3. */
  maxSocketFailures?: number;
  /** Between polls. Default 5 000 ms. */
  pollIntervalMs?: number;
  /** Reconnect backoff base and cap. Defaults 1 000 and 30 000 ms. */
  reconnectBaseMs?: number;
  reconnectCapMs?: number;
  /**
   * No message (not even the server's 30 s keepalive) for this long → the socket is dead
   * even if the OS has not noticed (a phone changing networks): reconnect. Default 75 000 ms; 0 = off.
   */
  staleMs?: number;
  /** Injectable for tests. */
  random?: () => number;
}

/**
 * @example
 * const sub = sigap.live.subscribe({ priorities: ['P1'] }, {
 *   onIncident: (incident) => board.upsert(incident),
 *   onStatus: (status) => banner.show(status === 'live' ? '' : `Tidak live: ${status}`),
 * });
 * sub.close();
 */
export class LiveSubscription {
  /** The connection now; see {@link LiveStatus}. */
  status: LiveStatus = 'connecting';
  /** The last position delivered (events and keepalives): where a reconnect resumes. */
  seq: number | null;
  /** The error that closed the subscription, if one did. */
  error: SigapError | undefined;
  private socket: WebSocketLike | null = null;
  private token: LiveToken | null = null;
  private tokenRetried = false;
  private failures = 0;
  private readonly timers: Record<'socket' | 'stale', ReturnType<typeof setTimeout> | undefined> = {
    socket: undefined,
    stale: undefined,
  };
  private readonly WS: WebSocketConstructor | undefined;
  private readonly poller: Poller;

  constructor(
    private readonly transport: Transport,
    private readonly filters: LiveFilters,
    private readonly handlers: LiveHandlers,
    private readonly opts: SubscribeOptions = {},
  ) {
    this.seq = filters.since ?? null;
    this.WS = opts.WebSocket ?? globalWebSocket();
    const self = this;
    const host: PollerHost = {
      transport,
      filters,
      get seq() {
        return self.seq;
      },
      query: () => this.query(),
      receive: (message) => this.receive(message),
      report: (error) => this.report(error),
      fatal: (error) => this.fatal(error),
    };
    this.poller = new Poller(host, opts.pollIntervalMs ?? 5_000);
    // Start after the caller holds the subscription, so its handlers may already use it.
    Promise.resolve().then(() => (this.WS ? this.connect() : this.startPolling()));
  }

  /**
   * Stops for good: closes the socket, stops polling and timers.
   *
   * @example
   * window.addEventListener('pagehide', () => sub.close());
   */
  close(): void {
    if (this.closed) return;
    this.poller.stop();
    for (const t of Object.values(this.timers)) clearTimeout(t);
    const ws = this.socket;
    this.socket = null;
    ws?.close(1000);
    this.setStatus('closed');
  }

  private get closed(): boolean {
    return this.status === 'closed';
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let ws: WebSocketLike;
    try {
      const url = await this.socketUrl();
      if (this.closed) return;
      ws = new this.WS!(url);
    } catch (err) {
      if (err instanceof AuthError || err instanceof ForbiddenError) return this.fatal(err);
      this.report(err as SigapError);
      return this.socketFailed(false);
    }
    this.socket = ws;
    this.armStale(); // also covers a connection attempt that never opens nor fails
    ws.onopen = () => {
      if (ws !== this.socket) return;
      this.armStale();
      this.poller.stop();
      this.setStatus('live');
    };
    ws.onmessage = (e) => {
      if (ws !== this.socket || typeof e.data !== 'string') return;
      this.armStale();
      let msg: Received;
      try {
        msg = JSON.parse(e.data) as Received;
      } catch {
        return;
      }
      // A message proves the connection (and the token) work: forget earlier failures.
      this.failures = 0;
      this.tokenRetried = false;
      this.receive(msg);
    };
    ws.onclose = (e) => {
      if (ws === this.socket) this.onClose(e.code, e.reason);
    };
    ws.onerror = () => undefined; // a close event with the code follows
  }

  /** The token is reused while it has 30 s left; a 4401 drops it. */
  private async socketUrl(): Promise<string> {
    if (!this.token || Date.parse(this.token.expiresAt) - Date.now() < 30_000) {
      this.token = await this.transport.request<LiveToken>({
        method: 'POST',
        path: '/v1/live/tokens',
        maxRetries: 0, // the reconnect loop is the retry loop
      });
    }
    const query = { ...this.query(), token: this.token.token, since: this.seq };
    return this.transport.buildUrl('/v1/live', query).replace(/^http/, 'ws');
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    clearTimeout(this.timers.stale);
    if (this.closed) return;
    if (code === 4401) {
      this.token = null;
      // The token may just have expired: one new token, then it is the key that is refused.
      if (!this.tokenRetried) {
        this.tokenRetried = true;
        if (!this.poller.active) this.setStatus('reconnecting');
        this.reconnect(0);
        return;
      }
    }
    if (code === 4400 || code === 4401 || code === 4403) {
      const codes = { 4400: 'VALIDATION', 4401: 'UNAUTHENTICATED', 4403: 'FORBIDDEN' } as const;
      const body = { code: `SIGAP_ERR_${codes[code]}`, message: reason || `live stream closed (${code})` };
      this.fatal(APIError.generate(code - 4000, body, undefined));
    } else {
      // 4000 (too slow), 1001 (going away), 1011/1013 (server trouble), 1006 (dropped): resume with since.
      this.socketFailed(code === 4000);
    }
  }

  private socketFailed(now: boolean): void {
    this.failures++;
    if (this.failures >= (this.opts.maxSocketFailures ?? 3)) this.startPolling();
    if (!this.poller.active) this.setStatus('reconnecting');
    this.reconnect(now ? 0 : this.delay());
  }

  private reconnect(ms: number): void {
    clearTimeout(this.timers.socket);
    this.timers.socket = setTimeout(() => void this.connect(), ms);
  }

  private delay(): number {
    const o = this.opts;
    return backoffMs(
      this.failures - 1,
      o.reconnectBaseMs ?? 1_000,
      o.reconnectCapMs ?? 30_000,
      o.random ?? Math.random,
    );
  }

  /** A socket that stays silent (or never opens) past `staleMs` is dropped and replaced. */
  private armStale(): void {
    clearTimeout(this.timers.stale);
    const ms = this.opts.staleMs ?? 75_000;
    if (ms <= 0) return;
    this.timers.stale = setTimeout(() => {
      const ws = this.socket;
      this.socket = null;
      ws?.close(4000, 'stale');
      this.socketFailed(true);
    }, ms);
  }

  private startPolling(): void {
    if (this.poller.active || this.closed) return;
    this.setStatus('polling');
    this.poller.start();
  }

  /** The one entrance for messages from the socket and from polls. */
  private receive(msg: Received): void {
    const seq = typeof msg.seq === 'number' ? msg.seq : undefined;
    if (seq === undefined) return; // pong, error
    if (msg.type === 'snapshot') {
      this.seq = Math.max(seq, this.seq ?? seq);
      this.call(this.handlers.onSnapshot, msg as LiveSnapshot);
      return;
    }
    // Keepalives count: events the filters hid still move the position forward.
    if (msg.type === 'keepalive') this.advance(seq);
    if (msg.type === 'keepalive' || (this.seq !== null && seq <= this.seq)) return; // or delivered already
    this.seq = seq;
    const m = msg as LiveEvent;
    const h = this.handlers;
    this.call(h.onMessage, m);
    if (m.incident) this.call(h.onIncident, m.incident, m);
    else if (m.unit) this.call(h.onUnit, m.unit, m);
    else if (m.call) this.call(h.onCall, m.call, m);
  }

  private advance(seq: number | undefined): void {
    if (seq !== undefined && (this.seq === null || seq > this.seq)) this.seq = seq;
  }

  private query(): Query {
    const f = this.filters;
    return {
      agency: f.agency,
      categories: f.categories?.join(','),
      priorities: f.priorities?.join(','),
      bbox: f.bbox?.join(','),
    };
  }

  private fatal(error: SigapError): void {
    this.error = error;
    this.close();
    this.call(this.handlers.onError, error);
  }

  private setStatus(status: LiveStatus): void {
    const previous = this.status;
    if (status === previous) return;
    this.status = status;
    this.call(this.handlers.onStatus, status, previous);
  }

  /** A non-fatal failure, reported while the subscription retries. */
  private report(error: SigapError): void {
    this.call(this.handlers.onError, error);
  }

  /** A throwing handler must not stop the stream; its error still reaches the console. */
  private call<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
    try {
      fn?.(...args);
    } catch (error) {
      setTimeout(() => {
        throw error;
      }, 0);
    }
  }
}
