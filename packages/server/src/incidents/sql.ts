import type { Principal } from '../auth/principal.js';
import { bboxGeography } from '../db/bbox.js';

/** A parameterised statement; every query of this domain is built here and run by the service. */
export interface Sql {
  text: string;
  values: unknown[];
}

/** An assignment is overdue while a target it has not met yet has passed. */
export const ASSIGNMENT_OVERDUE = `(a.status NOT IN ('resolved', 'declined', 'cancelled') AND (
    (a.ack_due_at < now() AND a.acknowledged_at IS NULL) OR
    (a.on_scene_due_at < now() AND a.on_scene_at IS NULL) OR
    (a.resolve_due_at < now())))`;

/**
 * An open incident is overdue when one of its assignments is, its answer to the reporter is
 * late, or the watchdog reported it still waiting for verification or its first dispatch.
 */
export const INCIDENT_OVERDUE = `(i.status IN ('received', 'verified', 'dispatched', 'acknowledged', 'en_route', 'on_scene') AND (
    (i.answer_due_at < now() AND i.resolved_at IS NULL) OR
    (i.status = 'received' AND 'verification' = ANY (i.overdue_reported)) OR
    (i.status = 'verified' AND 'dispatch' = ANY (i.overdue_reported)) OR
    EXISTS (SELECT 1 FROM assignments a WHERE a.tenant_id = i.tenant_id AND a.incident_id = i.id AND ${ASSIGNMENT_OVERDUE})))`;

/** Every column the API shows of an incident, with its assignments as JSON. */
const INCIDENT_COLUMNS = `
  i.id, i.number, i.status, i.category, i.priority, i.description, i.condition,
  ST_X(i.location::geometry) AS lon, ST_Y(i.location::geometry) AS lat,
  i.location_accuracy_m, i.location_source, i.address_text, i.desa_code, i.kecamatan_code,
  i.outside_jurisdiction, i.jurisdiction_code, i.reporter_name, i.reporter_phone, i.external_refs,
  i.location_status, i.location_confidence, i.desa_approximate,
  i.call_id, i.merged_into, i.no_unit_available, i.answer_due_at, i.created_at, i.updated_at, i.resolved_at, i.last_seq,
  i.created_by, ${INCIDENT_OVERDUE} AS overdue,
  -- Microsecond precision for the list cursor (a JavaScript Date keeps only milliseconds).
  to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
  coalesce((
    SELECT json_agg(json_build_object(
      'id', a.id, 'incidentId', a.incident_id, 'agencyId', a.agency_id, 'agencyCode', g.code,
      'agencyType', g.type, 'unitId', a.unit_id, 'status', a.status, 'declinedReason', a.declined_reason,
      'handoff', a.handoff, 'ackDueAt', a.ack_due_at, 'onSceneDueAt', a.on_scene_due_at,
      'resolveDueAt', a.resolve_due_at, 'dispatchedAt', a.dispatched_at, 'acknowledgedAt', a.acknowledged_at,
      'enRouteAt', a.en_route_at, 'onSceneAt', a.on_scene_at, 'resolvedAt', a.resolved_at,
      'overdue', ${ASSIGNMENT_OVERDUE}
    ) ORDER BY a.dispatched_at, g.code, a.id)
    FROM assignments a JOIN agencies g ON g.tenant_id = a.tenant_id AND g.id = a.agency_id
    WHERE a.tenant_id = i.tenant_id AND a.incident_id = i.id), '[]'::json) AS assignments`;

/**
 * What a key may see: integrators only what they submitted, agencies only incidents with an
 * assignment of theirs (including finished ones, so they can read their history).
 * `$1` is always the tenant id; this adds its own parameters after `offset`.
 */
export function visibilityFilter(
  principal: Principal,
  offset: number,
): { clause: string; values: unknown[] } {
  if (principal.role === 'integrator')
    return { clause: `i.created_by = $${offset}`, values: [principal.keyId] };
  if (principal.role === 'agency') {
    return {
      clause: `EXISTS (SELECT 1 FROM assignments va WHERE va.tenant_id = i.tenant_id AND va.incident_id = i.id
                 AND va.agency_id = $${offset})`,
      values: [principal.agencyId],
    };
  }
  return { clause: 'true', values: [] };
}

export function selectIncident(tenantId: string, id: string, principal: Principal): Sql {
  const visible = visibilityFilter(principal, 3);
  return {
    text: `SELECT ${INCIDENT_COLUMNS} FROM incidents i
            WHERE i.tenant_id = $1 AND i.id = $2 AND ${visible.clause}`,
    values: [tenantId, id, ...visible.values],
  };
}

/** Locks the incident row for a change: every writer of one incident goes through this. */
export function lockIncident(tenantId: string, id: string): Sql {
  return {
    text: `SELECT id, status, priority, category, resolved_at, created_by FROM incidents
            WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
    values: [tenantId, id],
  };
}

export interface IncidentListFilters {
  status?: string[];
  open?: boolean;
  category?: string[];
  priority?: string[];
  agency?: string;
  kecamatan?: string;
  from?: string;
  to?: string;
  bbox?: [number, number, number, number];
  overdue?: boolean;
  cursor?: { createdAt: string; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while incidents arrive. */
export function listIncidents(tenantId: string, principal: Principal, f: IncidentListFilters): Sql {
  const values: unknown[] = [tenantId];
  const where: string[] = ['i.tenant_id = $1'];
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const visible = visibilityFilter(principal, values.length + 1);
  values.push(...visible.values);
  where.push(visible.clause);
  if (f.status?.length) where.push(`i.status = ANY(${add(f.status)}::text[])`);
  if (f.open)
    where.push(`i.status IN ('received', 'verified', 'dispatched', 'acknowledged', 'en_route', 'on_scene')`);
  if (f.category?.length) where.push(`i.category = ANY(${add(f.category)}::text[])`);
  if (f.priority?.length) where.push(`i.priority = ANY(${add(f.priority)}::text[])`);
  if (f.agency) {
    where.push(`EXISTS (SELECT 1 FROM assignments fa WHERE fa.tenant_id = i.tenant_id AND fa.incident_id = i.id
                 AND fa.agency_id = ${add(f.agency)}::uuid)`);
  }
  if (f.kecamatan) where.push(`i.kecamatan_code = ${add(f.kecamatan)}`);
  if (f.from) where.push(`i.created_at >= ${add(f.from)}::timestamptz`);
  if (f.to) where.push(`i.created_at < ${add(f.to)}::timestamptz`);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    where.push(`i.location && ${bboxGeography(add(minLon), add(minLat), add(maxLon), add(maxLat))}`);
  }
  if (f.overdue !== undefined) where.push(f.overdue ? INCIDENT_OVERDUE : `NOT ${INCIDENT_OVERDUE}`);
  if (f.cursor) {
    where.push(`(i.created_at, i.id) < (${add(f.cursor.createdAt)}::timestamptz, ${add(f.cursor.id)}::uuid)`);
  }
  const limit = add(f.limit + 1);
  return {
    text: `SELECT ${INCIDENT_COLUMNS} FROM incidents i WHERE ${where.join(' AND ')}
            ORDER BY i.created_at DESC, i.id DESC LIMIT ${limit}`,
    values,
  };
}

/** Next number of the tenant's local day, e.g. SDA-20261122-0042 (gapless, like the events). */
export function nextIncidentNumber(tenantId: string): Sql {
  return {
    text: `WITH t AS (
             SELECT number_prefix, to_char(now() AT TIME ZONE time_zone, 'YYYYMMDD') AS day
               FROM tenants WHERE id = $1
           ), n AS (
             INSERT INTO tenant_counters (tenant_id, name, value)
             SELECT $1, 'incident:' || t.day, 1 FROM t
             ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + 1
             RETURNING value
           )
           SELECT t.number_prefix || '-' || t.day || '-' || lpad(n.value::text, 4, '0') AS number FROM t, n`,
    values: [tenantId],
  };
}

export function possibleDuplicates(
  tenantId: string,
  incidentId: string,
  category: string,
  lon: number,
  lat: number,
  radiusM: number,
  windowMinutes: number,
): Sql {
  return {
    text: `SELECT id, number, status, created_at,
                  ST_Distance(location, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography) AS distance_m
             FROM incidents
            WHERE tenant_id = $1 AND id <> $2 AND category = $3
              AND status IN ('received', 'verified', 'dispatched', 'acknowledged', 'en_route', 'on_scene')
              AND created_at > now() - make_interval(mins => $7)
              AND ST_DWithin(location, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $6)
            ORDER BY distance_m LIMIT 5`,
    values: [tenantId, incidentId, category, lon, lat, radiusM, windowMinutes],
  };
}

export function listEvents(tenantId: string, incidentId: string, after: number, limit: number): Sql {
  return {
    text: `SELECT seq, type, at, actor, incident_id, assignment_id, unit_id, call_id, payload FROM events
            WHERE tenant_id = $1 AND incident_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
    values: [tenantId, incidentId, after, limit + 1],
  };
}
