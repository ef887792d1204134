/**
 * NOT PUBLIC API (reached through `client.incidents.track`). Following one incident is a live
 * subscription from the position reached before reading it, filtered to that incident.
 */
import type { SigapClient } from '../client.js';
import type { Incident, LiveEvent, LiveStatus } from '../types.js';
import type { LiveHandlers, LiveSubscription, SubscribeOptions } from './live-subscription.js';

/** `message` is `null` for the first call (the state when tracking starts). */
export type TrackUpdate = (incident: Incident, message: LiveEvent | null) => void;

export interface TrackOptions extends SubscribeOptions, Pick<LiveHandlers, 'onStatus' | 'onError'> {}

export interface IncidentTracker {
  /** The latest state. */
  readonly incident: Incident;
  /** The connection; see `LiveStatus`. */
  readonly status: LiveStatus;
  readonly subscription: LiveSubscription;
  close(): void;
}

export async function track(
  client: SigapClient,
  id: string,
  onUpdate: TrackUpdate,
  options: TrackOptions = {},
): Promise<IncidentTracker> {
  const { onStatus, onError, ...subscribeOptions } = options;
  // Position first, then the state: every change after the position arrives as an event, and
  // one that slipped in between is already in the state (its seq is not above `first.seq`).
  const head = await client.transport.request<{ seq: number }>({ method: 'GET', path: '/v1/events' });
  const first = await client.incidents.get(id);
  let incident = first;
  onUpdate(incident, null);
  const subscription = client.live.subscribe(
    { since: head.seq },
    {
      onIncident: (next, message) => {
        if (next.id !== id || message.seq <= first.seq) return;
        incident = next;
        onUpdate(next, message);
      },
      ...(onStatus && { onStatus }),
      ...(onError && { onError }),
    },
    subscribeOptions,
  );
  return {
    get incident() {
      return incident;
    },
    get status() {
      return subscription.status;
    },
    subscription,
    close: () => subscription.close(),
  };
}
