/** The live stream: every change in the tenant, as it happens, resumable by `seq`. */
import type { SigapClient } from '../client.js';
import { type LiveHandlers, LiveSubscription, type SubscribeOptions } from '../internal/live-subscription.js';
import type { RequestOptions } from '../internal/transport.js';
import type { LiveFilters, LiveToken } from '../types.js';

export type { LiveHandlers, SubscribeOptions };
export { LiveSubscription };

export class Live {
  constructor(private readonly client: SigapClient) {}

  /**
   * Subscribes to events matching `filters` (server-side: agency, categories, priorities,
   * bbox; `since` to resume). Reconnects and falls back to polling by itself; watch
   * `onStatus` to show whether the data is live. Returns at once; call `close()` to stop.
   *
   * @example
   * const sub = sigap.live.subscribe({ categories: ['fire', 'flood'] }, {
   *   onSnapshot: ({ incidents, units }) => board.reset(incidents, units),
   *   onIncident: (incident) => board.upsert(incident),
   *   onUnit: (unit) => board.moveUnit(unit),
   *   onStatus: (status) => (badge.textContent = status),
   * });
   */
  subscribe(
    filters: LiveFilters = {},
    handlers: LiveHandlers = {},
    options: SubscribeOptions = {},
  ): LiveSubscription {
    return new LiveSubscription(this.client.transport, filters, handlers, {
      ...options,
      WebSocket: options.WebSocket ?? this.client.WebSocket,
    });
  }

  /**
   * A short-lived token for opening `/v1/live?token=...` yourself (e.g. from a worker).
   *
   * @example
   * const { url } = await sigap.live.token();
   */
  token(options?: RequestOptions): Promise<LiveToken> {
    return this.client.transport.request({ ...options, method: 'POST', path: '/v1/live/tokens' });
  }
}
