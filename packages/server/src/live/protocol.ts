import { PRIORITIES, type Priority } from '@sigap/contract';

/**
 * The live stream's wire protocol (documented in the server README, "Live stream").
 *
 * Close codes in the 4000-4999 range are Sigap's own; 4000 tells the client to reconnect
 * with `since=<last seq it received>`, nothing is lost by doing so.
 */
export const CLOSE = {
  /** The client fell behind (its send buffer passed the limit): reconnect with `since`. */
  RESUME: 4000,
  /** Bad query parameters (the reason names the parameter). */
  BAD_REQUEST: 4400,
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  /** The server is shutting down: reconnect (to another instance) with `since`. */
  GOING_AWAY: 1001,
  INTERNAL: 1011,
  /** The client sent more frames than its budget (LIVE_MAX_CLIENT_MESSAGES_PER_SECOND). */
  POLICY: 1008,
  /** The server could not serve the connection now (e.g. authentication timed out on a busy pool): retry with back-off. */
  TRY_AGAIN: 1013,
} as const;

export interface LiveFilters {
  agency?: string;
  categories?: string[];
  priorities?: Priority[];
  bbox?: [number, number, number, number];
}

export interface LiveRequest {
  since: number | null;
  filters: LiveFilters;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CATEGORY = /^[a-z][a-z0-9_]{1,39}$/;

/** Parses `?since=&agency=&categories=a,b&priorities=P1,P2&bbox=minLon,minLat,maxLon,maxLat`. */
export function parseLiveQuery(query: Record<string, unknown>): LiveRequest | { error: string } {
  const text = (name: string): string | undefined => {
    const v = query[name];
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const request: LiveRequest = { since: null, filters: {} };
  const since = text('since');
  if (since !== undefined) {
    if (!/^\d{1,15}$/.test(since)) return { error: 'since must be a non-negative integer' };
    request.since = Number(since);
  }
  const agency = text('agency');
  if (agency !== undefined) {
    if (!UUID.test(agency)) return { error: 'agency must be a uuid' };
    request.filters.agency = agency;
  }
  const categories = text('categories');
  if (categories !== undefined) {
    const list = categories.split(',');
    if (list.length > 40 || !list.every((c) => CATEGORY.test(c)))
      return { error: 'categories must be category codes' };
    request.filters.categories = list;
  }
  const priorities = text('priorities');
  if (priorities !== undefined) {
    const list = priorities.split(',');
    if (!list.every((p): p is Priority => (PRIORITIES as readonly string[]).includes(p))) {
      return { error: 'priorities must be P1, P2 or P3' };
    }
    request.filters.priorities = list;
  }
  const bbox = text('bbox');
  if (bbox !== undefined) {
    const n = bbox.split(',').map(Number);
    const [minLon, minLat, maxLon, maxLat] = n as [number, number, number, number];
    if (
      n.length !== 4 ||
      !n.every(Number.isFinite) ||
      !(
        minLon < maxLon &&
        minLat < maxLat &&
        minLon >= -180 &&
        maxLon <= 180 &&
        minLat >= -90 &&
        maxLat <= 90
      )
    ) {
      return { error: 'bbox must be minLon,minLat,maxLon,maxLat' };
    }
    request.filters.bbox = [minLon, minLat, maxLon, maxLat];
  }
  return request;
}

/** Close reasons are limited to 123 bytes by the protocol. */
export function closeReason(text: string): string {
  return Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString();
}
