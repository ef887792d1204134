import type { WebSocket } from 'ws';
import { EVENTS_CHANNEL } from '../audit/events.js';
import { type Principal, seesFullPhoneNumbers } from '../auth/principal.js';
import type { Db } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { ACCESS_EVENTS, stillAllowed, usableKeys } from './access.js';
import { Gate, SocketCounts } from './limits.js';
import { CLOSE, closeReason, type LiveFilters } from './protocol.js';
import {
  incidentVisible,
  type LiveLoaders,
  messageFor,
  type Prepared,
  readEvents,
  unitVisible,
} from './shape.js';
import { loadOpenIncidentViews } from './snapshot.js';

export interface LiveOptions {
  /** Bytes queued on one socket past which the client is told to resume (close 4000). */
  maxBufferedBytes: number;
  /** Messages held for a client still catching up, past which it is told to resume. */
  maxPendingMessages: number;
  heartbeatMs: number;
  /** Reads the events table this often even without a notification (heals lost NOTIFYs). */
  pollMs: number;
  snapshotLimit: number;
  /** Open sockets per key / per tenant on this instance; past them a socket is told to retry (1013). */
  maxSocketsPerKey: number;
  maxSocketsPerTenant: number;
  /** Snapshots being built at once per tenant (each reads every open incident and unit). */
  maxSnapshotsPerTenant: number;
}

/** How long a socket waits for a snapshot permit before it is told to retry later. */
const SNAPSHOT_WAIT_MS = 30_000;
/** How long a replay waits for a slow reader to drain half its buffer before it is cut off. */
const DRAIN_WAIT_MS = 10_000;

interface Client {
  socket: WebSocket;
  principal: Principal;
  filters: LiveFilters;
  /** Position in the tenant's event stream: every event up to here was sent or filtered out. */
  cursor: number;
  catchingUp: boolean;
  pending: Prepared[];
  alive: boolean;
  closed: boolean;
}

interface Feed {
  tenantId: string;
  lastSeq: number;
  clients: Set<Client>;
  snapshots: Gate;
  pulling: Promise<void> | null;
  again: boolean;
}

/**
 * Fans the audit trail out to WebSocket clients. PostgreSQL NOTIFY says "tenant T has events up
 * to seq N"; the events table is the truth: each instance reads new events in seq order, once,
 * and sends each client what its role and filters allow. A client connecting with `since` is
 * replayed from the table first, while live events wait in its bounded pending list, so it sees
 * every event exactly once and in order.
 */
export class LiveHub {
  private readonly feeds = new Map<string, Feed>();
  private readonly counts: SocketCounts;
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: Db,
    private readonly loaders: LiveLoaders,
    private readonly options: LiveOptions,
    private readonly log: { warn(obj: unknown, msg: string): void },
  ) {
    this.counts = new SocketCounts(options.maxSocketsPerKey, options.maxSocketsPerTenant);
  }

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, (payload) => {
      const [tenantId, seq] = payload.split(':');
      const feed = tenantId ? this.feeds.get(tenantId) : undefined;
      if (feed && Number(seq) > feed.lastSeq) this.pull(feed);
    });
    const poll = setInterval(() => {
      for (const feed of this.feeds.values()) this.pull(feed);
    }, this.options.pollMs);
    const heartbeat = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
    poll.unref();
    heartbeat.unref();
    this.timers = [poll, heartbeat];
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.unlisten?.();
    for (const feed of this.feeds.values()) {
      for (const client of feed.clients)
        this.close(client, CLOSE.GOING_AWAY, `server restarting; reconnect with since=${client.cursor}`);
      await feed.pulling;
    }
    this.feeds.clear();
  }

  /** Clients still being streamed to (not closed or being closed by the server). */
  get streamingCount(): number {
    let n = 0;
    for (const feed of this.feeds.values()) for (const client of feed.clients) if (!client.closed) n++;
    return n;
  }

  /** Number of connected clients (for /readyz-style diagnostics and tests). */
  get clientCount(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.clients.size;
    return n;
  }

  /**
   * Starts streaming to a newly connected socket: a snapshot of open incidents and units (when
   * `since` is null) or a replay of every event after `since`, then live events.
   */
  async attach(
    socket: WebSocket,
    principal: Principal,
    filters: LiveFilters,
    since: number | null,
  ): Promise<void> {
    if (socket.readyState !== socket.OPEN) return; // the client left while it was authenticated
    const over = this.counts.tryOpen(principal.keyId, principal.tenantId);
    if (over) {
      socket.close(CLOSE.TRY_AGAIN, closeReason(`too many live connections for this ${over}; retry later`));
      return;
    }
    socket.on('close', () => this.counts.close(principal.keyId, principal.tenantId));
    const feed = await this.feed(principal.tenantId);
    const client: Client = {
      socket,
      principal,
      filters,
      cursor: since ?? 0,
      catchingUp: true,
      pending: [],
      alive: true,
      closed: false,
    };
    // From here on, events this instance reads are kept in `pending`; everything up to `head`
    // comes from the table below. Nothing can fall between the two.
    feed.clients.add(client);
    const head = feed.lastSeq;
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => this.detach(feed, client));

    try {
      let from = since ?? 0;
      if (since === null) {
        const seq = await this.sendSnapshot(client, feed);
        if (seq === null) return;
        from = seq;
      }
      await this.replay(client, from, head);
      client.cursor = Math.max(from, head, client.cursor);
      // Synchronous from here: no event can slip in between the pending ones and live delivery.
      const pending = client.pending;
      client.pending = [];
      client.catchingUp = false;
      for (const prepared of pending) this.deliver(client, prepared);
    } catch (err) {
      this.log.warn({ err }, 'live stream: catching up failed');
      this.close(client, CLOSE.INTERNAL, `catch-up failed; reconnect with since=${client.cursor}`);
    }
  }

  /** The snapshot, built by at most `maxSnapshotsPerTenant` sockets of a tenant at a time. */
  private async sendSnapshot(client: Client, feed: Feed): Promise<number | null> {
    const release = await feed.snapshots.enter(SNAPSHOT_WAIT_MS);
    if (!release) {
      this.close(client, CLOSE.TRY_AGAIN, 'too many snapshots being built; retry later');
      return null;
    }
    try {
      return client.closed ? null : await this.buildSnapshot(client);
    } finally {
      release();
    }
  }

  private async buildSnapshot(client: Client): Promise<number> {
    const { tenantId } = client.principal;
    // One consistent read: the incidents and units exactly as of `seq`.
    const snapshot = await withTenant(
      this.db,
      tenantId,
      async (tx) => {
        const { rows } = await tx.query<{ seq: number }>(
          `SELECT coalesce(max(seq), 0)::bigint AS seq FROM events WHERE tenant_id = $1`,
          [tenantId],
        );
        const incidents = await loadOpenIncidentViews(tx, tenantId, this.options.snapshotLimit);
        const units = this.loaders.units ? await this.loaders.units(tx, tenantId) : [];
        return { seq: rows[0]!.seq, incidents, units };
      },
      { snapshot: true },
    );
    const masked = !seesFullPhoneNumbers(client.principal.role);
    this.send(client, {
      type: 'snapshot',
      seq: snapshot.seq,
      at: new Date().toISOString(),
      incidents: snapshot.incidents
        .filter((view) => incidentVisible(client.principal, client.filters, view))
        .map((view) => (masked ? view.masked : view.full)),
      units: snapshot.units
        .filter((u) => unitVisible(client.principal, client.filters, u))
        .map((u) => (masked ? u.masked : u.full)),
    });
    return snapshot.seq;
  }

  private async replay(client: Client, from: number, to: number): Promise<void> {
    let after = from;
    while (after < to && !client.closed) {
      if (!(await this.drained(client))) return;
      const batch = await readEvents(
        this.db,
        this.loaders,
        client.principal.tenantId,
        after,
        Math.min(500, to - after),
      );
      if (batch.length === 0) break;
      this.deliverBatch(client, batch, true);
      await yieldToIo();
      after = batch[batch.length - 1]!.row.seq;
      client.cursor = after;
    }
  }

  private async feed(tenantId: string): Promise<Feed> {
    const existing = this.feeds.get(tenantId);
    if (existing) return existing;
    const { rows } = await withTenant(this.db, tenantId, (tx) =>
      tx.query<{ seq: number }>(
        'SELECT coalesce(max(seq), 0)::bigint AS seq FROM events WHERE tenant_id = $1',
        [tenantId],
      ),
    );
    // Another connection may have created it while we read.
    const raced = this.feeds.get(tenantId);
    if (raced) return raced;
    const feed: Feed = {
      tenantId,
      lastSeq: rows[0]!.seq,
      clients: new Set(),
      snapshots: new Gate(this.options.maxSnapshotsPerTenant, 10_000),
      pulling: null,
      again: false,
    };
    this.feeds.set(tenantId, feed);
    return feed;
  }

  private detach(feed: Feed, client: Client): void {
    client.closed = true;
    feed.clients.delete(client);
    if (feed.clients.size === 0 && this.feeds.get(feed.tenantId) === feed && !feed.pulling) {
      this.feeds.delete(feed.tenantId);
    }
  }

  /** Reads and delivers every event after the feed's position; runs once at a time per tenant. */
  private pull(feed: Feed): void {
    if (feed.pulling) {
      feed.again = true;
      return;
    }
    feed.pulling = (async () => {
      do {
        feed.again = false;
        try {
          for (;;) {
            const batch = await readEvents(this.db, this.loaders, feed.tenantId, feed.lastSeq, 200);
            if (batch.length === 0) break;
            // An event that may take a key's access away is a barrier: its sockets are re-checked
            // (and closed) before anything from it onwards is delivered to them.
            let start = 0;
            for (let i = 0; i < batch.length; i++) {
              if (!ACCESS_EVENTS.has(batch[i]!.row.type)) continue;
              const before = batch.slice(start, i);
              for (const client of feed.clients) this.deliverBatch(client, before);
              start = i;
              await this.recheck(feed);
            }
            const rest = start === 0 ? batch : batch.slice(start);
            for (const client of feed.clients) this.deliverBatch(client, rest);
            feed.lastSeq = batch[batch.length - 1]!.row.seq;
            await yieldToIo();
            if (batch.length < 200) break;
          }
        } catch (err) {
          this.log.warn({ err }, 'live stream: reading events failed; the next poll retries');
        }
      } while (feed.again);
    })().finally(() => {
      feed.pulling = null;
      if (feed.clients.size === 0 && this.feeds.get(feed.tenantId) === feed) this.feeds.delete(feed.tenantId);
    });
  }

  /**
   * Backpressure is judged once per batch, after the event loop had the chance to flush: a
   * client whose socket still holds more than the limit from earlier batches is not keeping up.
   * A healthy client's buffer may grow by one batch within a tick, so the bound is
   * `maxBufferedBytes` plus one batch.
   */
  private deliverBatch(client: Client, batch: readonly Prepared[], replaying = false): void {
    if (client.closed) return;
    // Replayed batches count too: a client replaying from since=0 that does not read must not
    // hold the whole history in the server's memory.
    if ((replaying || !client.catchingUp) && client.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(client, CLOSE.RESUME, `too slow; reconnect with since=${client.cursor}`);
      return;
    }
    for (const prepared of batch) this.deliver(client, prepared, replaying);
  }

  /** Sends one event to one client if its role and filters allow; always advances its cursor. */
  private deliver(client: Client, prepared: Prepared, replaying = false): void {
    if (client.closed) return;
    if (client.catchingUp && !replaying) {
      if (client.pending.length >= this.options.maxPendingMessages) {
        this.close(client, CLOSE.RESUME, `too far behind; reconnect with since=${client.cursor}`);
        return;
      }
      client.pending.push(prepared);
      return;
    }
    if (prepared.row.seq <= client.cursor) return; // already sent (snapshot or replay overlap)
    const message = messageFor(client.principal, client.filters, prepared);
    if (message !== null) client.socket.send(message);
    client.cursor = prepared.row.seq;
  }

  /**
   * Closes (4401) the sockets whose key no longer authenticates with the role and agency it
   * had when the socket opened (see access.ts). Throws when the database cannot answer: the
   * caller decides whether to retry.
   */
  private async recheck(feed: Feed): Promise<void> {
    const clients = [...feed.clients].filter((client) => !client.closed);
    if (clients.length === 0) return;
    const keys = await usableKeys(
      this.db,
      feed.tenantId,
      clients.map((client) => client.principal.keyId),
    );
    for (const client of clients) {
      if (!stillAllowed(client.principal, keys))
        this.close(
          client,
          CLOSE.UNAUTHENTICATED,
          'access ended: key revoked or expired, role or agency changed',
        );
    }
  }

  private heartbeat(): void {
    for (const feed of this.feeds.values()) {
      this.recheck(feed).catch((err: unknown) =>
        this.log.warn({ err }, 'live stream: access re-check failed; the next heartbeat retries'),
      );
      for (const client of feed.clients) {
        if (!client.alive) {
          client.closed = true;
          client.socket.terminate(); // a dead peer: no pong since the last round
          continue;
        }
        // No buffer check here: a peer that does not read does not answer pings either, and is
        // terminated at the next beat; live batches check the buffer after a chance to flush.
        client.alive = false;
        client.socket.ping();
        if (!client.catchingUp)
          this.send(client, { type: 'keepalive', seq: client.cursor, at: new Date().toISOString() });
      }
    }
  }

  /**
   * Waits (up to DRAIN_WAIT_MS) until the socket holds at most half its buffer limit: a replay
   * goes at the reader's pace. False, with the socket closed (4000), for a reader that stopped.
   */
  private async drained(client: Client): Promise<boolean> {
    const deadline = Date.now() + DRAIN_WAIT_MS;
    while (client.socket.bufferedAmount > this.options.maxBufferedBytes / 2) {
      if (client.closed) return false;
      if (Date.now() > deadline) {
        this.close(client, CLOSE.RESUME, `too slow; reconnect with since=${client.cursor}`);
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return !client.closed;
  }

  private send(client: Client, message: Record<string, unknown>): void {
    if (!client.closed) client.socket.send(JSON.stringify(message));
  }

  private close(client: Client, code: number, reason: string): void {
    if (client.closed) return;
    client.closed = true;
    client.socket.close(code, closeReason(reason));
  }
}

/**
 * Lets sockets flush between batches. The embedded database answers without real I/O, so a
 * loop of reads would otherwise never leave the microtask queue and starve every socket.
 */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
