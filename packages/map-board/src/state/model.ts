/**
 * What the board knows, as plain data: no DOM, no map, no network, so every rule about it can
 * be tested in Node.
 */
import type { Incident, IncidentStatus, Priority, Unit } from '@sigap/sdk';

export type { Incident, Priority, Unit };

/** Statuses shown on the board: work still to be done. Resolved incidents leave the map. */
export const ACTIVE_STATUSES: ReadonlySet<IncidentStatus> = new Set<IncidentStatus>([
  'received',
  'verified',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
]);

/** Assignment statuses with an agency still on its way or at work. */
export const ACTIVE_ASSIGNMENT_STATUSES: ReadonlySet<string> = new Set([
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
]);

export const PRIORITY_RANK: Record<Priority, number> = { P1: 0, P2: 1, P3: 2 };

/** The tenant's response targets per priority (from `GET /v1/tenant`), in seconds. */
export interface PriorityTargets {
  acknowledgeS: number | null;
  onSceneS: number | null;
  resolveS: number | null;
}
export type Targets = Partial<Record<Priority, PriorityTargets>>;

export const isActive = (incident: Pick<Incident, 'status'>): boolean => ACTIVE_STATUSES.has(incident.status);

/** What changed since the map and the controls were last brought up to date. */
export interface Dirty {
  /** Everything was replaced (a snapshot): redraw from scratch. */
  reset: boolean;
  incidents: Set<string>;
  units: Set<string>;
  /** A call was logged or classified: today's call figures are out of date. */
  calls: boolean;
}

export interface BoardState {
  /** The last stream position applied: a message at or below it is a duplicate. */
  seq: number | null;
  /** Active incidents by id. */
  incidents: Map<string, Incident>;
  units: Map<string, Unit>;
  /** When each incident seen resolved was resolved (id → ISO time), for today's figure. */
  resolved: Map<string, string>;
  /** Time of the last event or snapshot applied. */
  lastEventAt: string | null;
  dirty: Dirty;
}

export function emptyDirty(): Dirty {
  return { reset: false, incidents: new Set(), units: new Set(), calls: false };
}

/**
 * @example
 * const state = createState();
 * applySnapshot(state, snapshot);
 */
export function createState(): BoardState {
  return {
    seq: null,
    incidents: new Map(),
    units: new Map(),
    resolved: new Map(),
    lastEventAt: null,
    dirty: emptyDirty(),
  };
}
