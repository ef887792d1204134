import { bboxGeography } from '../db/bbox.js';
import type { Sql } from '../tenants/admin-common.js';

// Every statement of the units domain. `$1` is always the tenant id.

/** Every column the API shows of a unit (`u` joined with its agency `g`). */
const UNIT_COLUMNS = `u.id, u.code, u.name, u.kind, u.agency_id, g.code AS agency_code, g.type AS agency_type,
  ST_X(u.location::geometry) AS lon, ST_Y(u.location::geometry) AS lat,
  u.service_area IS NOT NULL AS has_service_area, u.status, u.expected_free_at, u.position_at, u.updated_at`;
const UNIT_FROM = 'units u JOIN agencies g ON g.tenant_id = u.tenant_id AND g.id = u.agency_id';

/** Coordinates rounded to 7 decimals (about 1 cm): more is noise. */
const SERVICE_AREA_JSON = 'ST_AsGeoJSON(u.service_area::geometry, 7)::json AS service_area';

/** A GeoJSON Polygon/MultiPolygon text as the stored geography: 2D, always a MultiPolygon. */
const geographyFromGeoJson = (param: string) =>
  `CASE WHEN ${param}::text IS NULL THEN NULL
        ELSE ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${param}::text), 4326)))::geography END`;

/**
 * One unit. `agencyId` (for agency keys) limits it to that agency's units: another agency's unit
 * is "not found" for them, like an incident they are not assigned to.
 */
export function selectUnit(
  tenantId: string,
  id: string,
  options: { agencyId?: string | null; withServiceArea?: boolean } = {},
): Sql {
  const values: unknown[] = [tenantId, id];
  let agency = '';
  if (options.agencyId) {
    values.push(options.agencyId);
    agency = `AND u.agency_id = $${values.length}`;
  }
  return {
    text: `SELECT ${UNIT_COLUMNS}${options.withServiceArea ? `, ${SERVICE_AREA_JSON}` : ''}
             FROM ${UNIT_FROM} WHERE u.tenant_id = $1 AND u.id = $2 ${agency}`,
    values,
  };
}

/** Every unit of the tenant (the live stream's snapshot). */
export function selectAllUnits(tenantId: string): Sql {
  return {
    text: `SELECT ${UNIT_COLUMNS} FROM ${UNIT_FROM} WHERE u.tenant_id = $1 ORDER BY u.code`,
    values: [tenantId],
  };
}

export interface UnitListFilters {
  /** Forced for agency keys: only their own agency's units. */
  ownAgency?: string | null;
  status?: string[];
  agency?: string;
  bbox?: [number, number, number, number];
  after?: string;
  limit: number;
}

/** Ordered by code, keyset-paginated after `after`. */
export function listUnits(tenantId: string, f: UnitListFilters): Sql {
  const values: unknown[] = [tenantId];
  const where = ['u.tenant_id = $1'];
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (f.ownAgency) where.push(`u.agency_id = ${add(f.ownAgency)}::uuid`);
  if (f.agency) where.push(`u.agency_id = ${add(f.agency)}::uuid`);
  if (f.status?.length) where.push(`u.status = ANY(${add(f.status)}::text[])`);
  if (f.bbox) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    // `&&` is answered by the GiST index on units.location.
    where.push(`u.location && ${bboxGeography(add(minLon), add(minLat), add(maxLon), add(maxLat))}`);
  }
  if (f.after !== undefined) where.push(`u.code > ${add(f.after)}`);
  return {
    text: `SELECT ${UNIT_COLUMNS} FROM ${UNIT_FROM} WHERE ${where.join(' AND ')}
            ORDER BY u.code LIMIT ${add(f.limit)}`,
    values,
  };
}

/** Locks a unit for a change; `agencyId` as in `selectUnit`. */
export function lockUnit(tenantId: string, id: string, agencyId?: string | null): Sql {
  const values: unknown[] = [tenantId, id];
  let agency = '';
  if (agencyId) {
    values.push(agencyId);
    agency = `AND agency_id = $${values.length}`;
  }
  return {
    text: `SELECT id, code, agency_id, status, expected_free_at FROM units
            WHERE tenant_id = $1 AND id = $2 ${agency} FOR UPDATE`,
    values,
  };
}

/**
 * Moves a unit unless the report is older than its stored position (reports can arrive out of
 * order from a tracker's queue). A time ahead of the server's clock counts as now, so one fast
 * clock cannot block the reports that follow it. No row back = stale report, nothing changed.
 */
export function moveUnit(tenantId: string, id: string, lon: number, lat: number, at: string | null): Sql {
  return {
    text: `UPDATE units SET location = ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography,
                            position_at = least(coalesce($5::timestamptz, now()), now()), updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND position_at <= least(coalesce($5::timestamptz, now()), now())
            RETURNING position_at`,
    values: [tenantId, id, lon, lat, at],
  };
}

export function setUnitStatus(
  tenantId: string,
  id: string,
  status: string,
  expectedFreeAt: string | null,
): Sql {
  return {
    text: `UPDATE units SET status = $3, expected_free_at = $4::timestamptz, updated_at = now()
            WHERE tenant_id = $1 AND id = $2`,
    values: [tenantId, id, status, expectedFreeAt],
  };
}

// ---------------------------------------------------------------------------------------------
// Administration

/** Locks the agency a unit is attached to, so it cannot be deleted before the unit commits. */
export function agencyForUnit(tenantId: string, agencyId: string): Sql {
  return {
    text: 'SELECT id FROM agencies WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE',
    values: [tenantId, agencyId],
  };
}

export function unitCodeTaken(tenantId: string, code: string, exceptId: string | null = null): Sql {
  return {
    text: 'SELECT 1 FROM units WHERE tenant_id = $1 AND code = $2 AND id IS DISTINCT FROM $3::uuid',
    values: [tenantId, code, exceptId],
  };
}

/**
 * Whether a GeoJSON geometry is valid for PostGIS (no self-intersection, closed rings...), and
 * if not, why (`ST_IsValidReason`, e.g. "Self-intersection[112.7 -7.4]").
 */
export function checkGeometry(geojson: string): Sql {
  return {
    text: `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
             FROM (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)) AS g) s`,
    values: [geojson],
  };
}

export interface NewUnit {
  agencyId: string;
  code: string;
  name: string;
  kind: string;
  lon: number;
  lat: number;
  /** GeoJSON text, already checked with `checkGeometry`. */
  serviceArea: string | null;
  status: string;
}

export function insertUnit(tenantId: string, u: NewUnit): Sql {
  return {
    text: `INSERT INTO units (tenant_id, agency_id, code, name, kind, location, service_area, status)
           VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326)::geography,
                   ${geographyFromGeoJson('$8')}, $9)
           RETURNING id`,
    values: [tenantId, u.agencyId, u.code, u.name, u.kind, u.lon, u.lat, u.serviceArea, u.status],
  };
}

export interface UnitChange {
  agencyId?: string;
  code?: string;
  name?: string;
  kind?: string;
  location?: { lon: number; lat: number };
  /** GeoJSON text; `null` removes the service area. */
  serviceArea?: string | null;
  status?: string;
}

/** Changes only the given columns. A new location is a new position (now); a new status drops the expected free time. */
export function updateUnit(tenantId: string, id: string, c: UnitChange): Sql {
  const values: unknown[] = [tenantId, id];
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const set = ['updated_at = now()'];
  if (c.agencyId !== undefined) set.push(`agency_id = ${add(c.agencyId)}::uuid`);
  if (c.code !== undefined) set.push(`code = ${add(c.code)}`);
  if (c.name !== undefined) set.push(`name = ${add(c.name)}`);
  if (c.kind !== undefined) set.push(`kind = ${add(c.kind)}`);
  if (c.location !== undefined) {
    set.push(
      `location = ST_SetSRID(ST_MakePoint(${add(c.location.lon)}, ${add(c.location.lat)}), 4326)::geography`,
      'position_at = now()',
    );
  }
  if (c.serviceArea !== undefined) set.push(`service_area = ${geographyFromGeoJson(add(c.serviceArea))}`);
  if (c.status !== undefined) set.push(`status = ${add(c.status)}`, 'expected_free_at = NULL');
  return { text: `UPDATE units SET ${set.join(', ')} WHERE tenant_id = $1 AND id = $2`, values };
}

export function deleteUnit(tenantId: string, id: string): Sql {
  return { text: 'DELETE FROM units WHERE tenant_id = $1 AND id = $2', values: [tenantId, id] };
}
