import { type Principal, seesFullPhoneNumbers } from '../auth/principal.js';
import type { Db, Queryable } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { maskPayloadPhones } from '../incidents/serialize.js';
import type { LiveFilters } from './protocol.js';
import { type IncidentView, loadIncidentView } from './snapshot.js';

/**
 * From audit events to what one client may see: read events with the current state of what
 * they are about, then shape them per role and filters. Shared by the WebSocket hub and the
 * polling endpoint (GET /v1/events), so both streams are the same stream.
 */

/** A unit or call as the stream shows it; loaded by the units and calls domains. */
export interface EntityView {
  full: Record<string, unknown>;
  masked: Record<string, unknown>;
  agencyId?: string | null;
  point?: { lon: number; lat: number } | null;
}

/** How the stream reads units and calls (their domains own that SQL). */
export interface LiveLoaders {
  unit?: (tx: Queryable, tenantId: string, id: string) => Promise<EntityView | null>;
  units?: (tx: Queryable, tenantId: string) => Promise<EntityView[]>;
  call?: (tx: Queryable, tenantId: string, id: string) => Promise<EntityView | null>;
}

export interface EventRow {
  seq: number;
  type: string;
  at: Date;
  actor: unknown;
  incident_id: string | null;
  assignment_id: string | null;
  unit_id: string | null;
  call_id: string | null;
  payload: Record<string, unknown>;
}

/** One event, prepared once and then shaped per client (the JSON is cached per variant). */
export interface Prepared {
  row: EventRow;
  incident: IncidentView | null;
  unit: EntityView | null;
  call: EntityView | null;
  json: Map<string, string>;
}

/**
 * Event types the stream carries; other administrative events stay in the audit trail only.
 * Units created, changed or removed by an admin are streamed so the map follows at once.
 */
export const STREAMED =
  /^(incident\.|assignment\.|sla_breached$|verification_overdue$|dispatch_overdue$|unit\.|call\.|admin\.unit_)/;

/** Reads up to `limit` events after `after`, each with the current state of its subject. */
export async function readEvents(
  db: Db,
  loaders: LiveLoaders,
  tenantId: string,
  after: number,
  limit: number,
): Promise<Prepared[]> {
  return withTenant(db, tenantId, async (tx) => {
    const { rows } = await tx.query<EventRow>(
      `SELECT seq, type, at, actor, incident_id, assignment_id, unit_id, call_id, payload
         FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [tenantId, after, limit],
    );
    const prepared: Prepared[] = [];
    const incidents = new Map<string, IncidentView | null>();
    for (const row of rows) {
      let incident: IncidentView | null = null;
      let unit: EntityView | null = null;
      let call: EntityView | null = null;
      if (STREAMED.test(row.type)) {
        if (row.incident_id) {
          if (!incidents.has(row.incident_id)) {
            incidents.set(row.incident_id, await loadIncidentView(tx, tenantId, row.incident_id));
          }
          incident = incidents.get(row.incident_id) ?? null;
        } else if (row.unit_id && loaders.unit) {
          unit = await loaders.unit(tx, tenantId, row.unit_id);
        } else if (row.call_id && loaders.call) {
          call = await loaders.call(tx, tenantId, row.call_id);
        }
      }
      prepared.push({ row, incident, unit, call, json: new Map() });
    }
    return prepared;
  });
}

/**
 * The message for one client as a JSON string, or null when its role or filters hide the event.
 * Visibility is checked per client (cheap); the JSON is built once per event and variant (full or
 * masked phones) and shared by every client that may see it — with a thousand clients, building
 * it per client was most of the fan-out's CPU time (see bench/README.md).
 */
export function messageFor(principal: Principal, filters: LiveFilters, prepared: Prepared): string | null {
  if (!visible(principal, filters, prepared)) return null;
  const masked = !seesFullPhoneNumbers(principal.role);
  const key = masked ? 'masked' : 'full';
  let json = prepared.json.get(key);
  if (json === undefined) {
    json = JSON.stringify(buildMessage(prepared, masked));
    prepared.json.set(key, json);
  }
  return json;
}

/** The message as an object (the polling endpoint returns these in a JSON array). */
export function messageObject(
  principal: Principal,
  filters: LiveFilters,
  prepared: Prepared,
): Record<string, unknown> | null {
  if (!visible(principal, filters, prepared)) return null;
  return buildMessage(prepared, !seesFullPhoneNumbers(principal.role));
}

function visible(principal: Principal, filters: LiveFilters, prepared: Prepared): boolean {
  if (!STREAMED.test(prepared.row.type)) return false;
  if (prepared.incident) return incidentVisible(principal, filters, prepared.incident);
  if (prepared.unit) return unitVisible(principal, filters, prepared.unit);
  if (prepared.call) return callVisible(principal, filters);
  return false;
}

/**
 * Calls belong to the centre, not to an agency, a category, a priority or an area: a stream
 * narrowed by any of those filters is asking for a subset of incidents and units, so it carries
 * no call events (issue 18: `?agency=` used to receive every call.*).
 */
export function callVisible(principal: Principal, filters: LiveFilters): boolean {
  if (!['call_taker', 'dispatcher', 'admin', 'viewer'].includes(principal.role)) return false;
  return !filters.agency && !filters.categories && !filters.priorities && !filters.bbox;
}

function buildMessage(prepared: Prepared, masked: boolean): Record<string, unknown> {
  const { row } = prepared;
  let entity: Record<string, unknown> = {};
  if (prepared.incident) entity = { incident: masked ? prepared.incident.masked : prepared.incident.full };
  else if (prepared.unit) entity = { unit: masked ? prepared.unit.masked : prepared.unit.full };
  else if (prepared.call) entity = { call: masked ? prepared.call.masked : prepared.call.full };
  return {
    seq: row.seq,
    type: row.type,
    at: row.at.toISOString(),
    ...entity,
    event: {
      actor: row.actor,
      assignmentId: row.assignment_id,
      unitId: row.unit_id,
      callId: row.call_id,
      payload: masked ? maskPayloadPhones(row.payload) : row.payload,
    },
  };
}

export function incidentVisible(principal: Principal, filters: LiveFilters, view: IncidentView): boolean {
  const incident = view.full;
  if (principal.role === 'integrator' && view.createdBy !== principal.keyId) return false;
  if (principal.role === 'agency' && !incident.assignments.some((a) => a.agencyId === principal.agencyId))
    return false;
  if (filters.agency && !incident.assignments.some((a) => a.agencyId === filters.agency)) return false;
  if (filters.categories && !filters.categories.includes(incident.category)) return false;
  if (filters.priorities && !filters.priorities.includes(incident.priority)) return false;
  if (filters.bbox && !within(incident.location.point, filters.bbox)) return false;
  return true;
}

export function unitVisible(principal: Principal, filters: LiveFilters, unit: EntityView): boolean {
  if (principal.role === 'integrator') return false;
  if (principal.role === 'agency' && unit.agencyId !== principal.agencyId) return false;
  if (filters.agency && unit.agencyId !== filters.agency) return false;
  if (filters.bbox && !within(unit.point ?? null, filters.bbox)) return false;
  return true;
}

function within(point: { lon: number; lat: number } | null, bbox: [number, number, number, number]): boolean {
  if (!point) return false;
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return point.lon >= minLon && point.lon <= maxLon && point.lat >= minLat && point.lat <= maxLat;
}
