/**
 * The API's data types. Request and response shapes come from the shared TypeBox contract
 * (`@sigap/contract`), as types only: nothing of it reaches the JavaScript bundle, and the
 * build (scripts/bundle-types.mjs) writes them out as plain types into `dist/contract.d.ts`,
 * so apps need neither `@sigap/contract` nor `typebox` installed.
 *
 * The live stream's messages are not in the contract (the server builds them by hand, see
 * the server README "Live stream"), so they are declared here from the documented protocol.
 */
import type {
  Call,
  Event,
  Incident,
  Priority,
  Unit,
  UnitPositionBody,
  UnitStatusBody,
} from '@sigap/contract';

export type {
  Assignment,
  AssignmentStatus,
  Call,
  CallOutcome,
  CallPage,
  Candidate,
  Channel,
  CreateIncidentBody,
  CreateIncidentResponse,
  DispatchBody,
  Event,
  GeocodeCandidate,
  GeocodeQuery,
  GeocodeResponse,
  Handoff,
  Incident,
  IncidentStatus,
  ListCallsQuery,
  ListIncidentsQuery,
  ListUnitsQuery,
  LocationSource,
  LogCallBody,
  LogCallResponse,
  Point,
  Priority,
  Recommendation,
  ReverseGeocodeQuery,
  ReverseGeocodeResponse,
  Role,
  TransitionAssignmentBody,
  TransitionIncidentBody,
  Unit,
  UnitPositionBody,
  UnitPositionResult,
  UnitStatus,
  UnitStatusBody,
  UpdateCallBody,
  UpdateIncidentLocationBody,
  UpdateIncidentLocationResponse,
} from '@sigap/contract';

/** `POST /v1/incidents/:id/merge`. (The contract exports only the schema, not a type.) */
export interface MergeIncidentBody {
  /** The incident this one duplicates. */
  into: string;
  note?: string;
}

/** `GET /v1/incidents/:id/events`: only events with `seq` greater than `after`. */
export interface IncidentEventsQuery {
  after?: number;
  limit?: number;
}

/** `PATCH /v1/calls/:id` answer. */
export interface UpdateCallResponse {
  call: Call;
  blockPlaced: { until: string; reason: string } | null;
}

/** Body of `units.updatePosition(id, body)`. */
export type UnitPosition = UnitPositionBody;
/** Body of `units.updateStatus(id, body)`. */
export type UnitStatusUpdate = UnitStatusBody;

/** `POST /v1/live/tokens`: a short-lived token to open the live stream without headers. */
export interface LiveToken {
  token: string;
  expiresAt: string;
  /** Path with the token, e.g. `/v1/live?token=slt_...`. */
  url: string;
}

/** Server-side filters of the live stream (and of the polling fallback). */
export interface LiveFilters {
  /** Only incidents assigned to this agency (uuid), and its units. */
  agency?: string;
  categories?: string[];
  priorities?: Priority[];
  /** `[minLon, minLat, maxLon, maxLat]`. */
  bbox?: [number, number, number, number];
  /**
   * Resume after this `seq` instead of starting with a snapshot (e.g. a position the app
   * stored). Without it, the first message is a snapshot.
   */
  since?: number;
}

/** Known event types; others may be added by the server (`call.*`...), so `type` is open. */
export type LiveEventType =
  | 'incident.created'
  | 'incident.status_changed'
  | 'incident.priority_changed'
  | 'incident.reopened'
  | 'incident.duplicate_linked'
  | 'assignment.created'
  | 'assignment.status_changed'
  | 'sla_breached'
  | 'unit.position'
  | 'unit.status_changed'
  | (string & {});

interface LiveEventBase {
  seq: number;
  type: LiveEventType;
  at: string;
  event: {
    actor: Event['actor'];
    assignmentId: string | null;
    unitId: string | null;
    callId: string | null;
    payload: Record<string, unknown>;
  };
}

/** One event with the current state of what it is about. */
export type LiveEvent =
  | (LiveEventBase & { incident: Incident; unit?: never; call?: never })
  | (LiveEventBase & { unit: Unit; incident?: never; call?: never })
  | (LiveEventBase & { call: Call; incident?: never; unit?: never });

/** The first message without `since`: every open incident and unit as of `seq`. */
export interface LiveSnapshot {
  type: 'snapshot';
  seq: number;
  at: string;
  incidents: Incident[];
  units: Unit[];
}

/**
 * What a wall-board shows about its connection:
 * - `connecting`: first connection in progress;
 * - `live`: a WebSocket is open, events arrive as they happen;
 * - `reconnecting`: the socket dropped, reconnecting with backoff (events will be replayed);
 * - `polling`: no WebSocket (none in this runtime, or it kept failing); events arrive every few
 *   seconds by `GET /v1/events`, while WebSockets are retried in the background;
 * - `closed`: stopped by `close()`, or for good after an auth or request error.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'closed';
