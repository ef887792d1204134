/**
 * NOT PUBLIC API. The live stream by polling `GET /v1/events?since=`, for runtimes without a
 * WebSocket and for networks that keep killing sockets. It feeds the subscription the same
 * messages the socket would (its position travels as a keepalive), so deduplication by `seq`
 * happens in one place.
 */
import { AuthError, ForbiddenError, type SigapError, ValidationError } from '../errors.js';
import type { Incident, LiveFilters, LiveSnapshot, Unit } from '../types.js';
import type { Query, Transport } from './transport.js';

/** A message from the socket or a poll, before it is known which kind it is. */
export type Received = { type?: unknown; seq?: unknown };

interface EventsPoll {
  items: Received[];
  /** The position reached, counting events the filters hid. */
  seq: number;
  more: boolean;
}

/** What the poller needs from its subscription. */
export interface PollerHost {
  readonly transport: Transport;
  readonly filters: LiveFilters;
  readonly seq: number | null;
  query(): Query;
  receive(message: Received): void;
  report(error: SigapError): void;
  fatal(error: SigapError): void;
}

export class Poller {
  active = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | null = null;

  constructor(
    private readonly host: PollerHost,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  /** Stops, and drops an answer still on its way (the socket has taken over). */
  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = null;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.once(), ms);
  }

  private async once(): Promise<void> {
    const host = this.host;
    const abort = new AbortController();
    this.abort = abort;
    const poll = (query: Query) =>
      host.transport.request<EventsPoll>({
        method: 'GET',
        path: '/v1/events',
        query: { ...host.query(), ...query },
        signal: abort.signal,
        maxRetries: 0, // the poll loop is the retry loop
      });
    let next = this.intervalMs;
    try {
      if (host.seq === null) {
        // Polling has no snapshot: the position first, then the state, then events after it.
        const head = await poll({});
        const snapshot = await this.snapshot(head.seq, abort.signal);
        if (!abort.signal.aborted) host.receive(snapshot);
      }
      const res = await poll({ since: host.seq });
      if (abort.signal.aborted) return;
      for (const item of res.items) host.receive(item);
      host.receive({ type: 'keepalive', seq: res.seq });
      if (res.more) next = 0;
    } catch (err) {
      if (abort.signal.aborted) return;
      if (err instanceof AuthError || err instanceof ForbiddenError || err instanceof ValidationError) {
        host.fatal(err);
        return;
      }
      host.report(err as SigapError);
    }
    if (this.active) this.schedule(next);
  }

  private async snapshot(seq: number, signal: AbortSignal): Promise<LiveSnapshot> {
    const { transport, filters: f } = this.host;
    const all = async <T>(path: string, query: Query): Promise<T[]> => {
      const items: T[] = [];
      for await (const item of transport.list<T>(path, query, { signal, maxRetries: 0 })) items.push(item);
      return items;
    };
    const bbox = f.bbox?.join(',');
    const incidents = await all<Incident>('/v1/incidents', {
      open: true,
      limit: 200,
      agency: f.agency,
      category: f.categories,
      priority: f.priorities,
      bbox,
    });
    // A role without units (integrator), or a server without the route: a snapshot without units.
    const units = await all<Unit>('/v1/units', { agency: f.agency, bbox }).catch(() => []);
    return { type: 'snapshot', seq, at: new Date().toISOString(), incidents, units };
  }
}
