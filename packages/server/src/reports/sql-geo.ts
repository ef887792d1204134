import { COUNTED, type Scope, type Sql, scoped } from './sql.js';

/**
 * The spatial report queries: counts per area, the heat-layer grid and the GeoJSON export.
 * Same parameters and incident set as sql.ts ($1 tenant, $2/$3 range, $4 agency, then extras).
 */
/** Counted incidents per kecamatan or desa code (null = no area at that level), with names. */
export function hotspotAreas(s: Scope, level: 'kecamatan' | 'desa'): Sql {
  return {
    text: `SELECT x.code, ar.name, x.count FROM (
             SELECT CASE WHEN $5::text = 'desa' THEN i.desa_code ELSE i.kecamatan_code END AS code, count(*) AS count
               FROM incidents i WHERE ${COUNTED} GROUP BY 1
           ) x LEFT JOIN areas ar ON ar.tenant_id = $1 AND ar.code = x.code
           ORDER BY x.code IS NULL, x.count DESC, x.code`,
    values: scoped(s, level),
  };
}

/**
 * A square grid of `cellM` metres for a heat layer: located incidents projected to the tenant's UTM
 * zone (EPSG:327xx south of the equator, 326xx north; the zone of the regency's own point, else
 * of the incidents' centroid, so cells do not shift between reports), counted per cell, each
 * cell returned as its centre in WGS 84. Cells are [k·size, (k+1)·size) in both axes.
 */
export function hotspotGrid(s: Scope, cellM: number): Sql {
  return {
    text: `WITH pts AS (
             SELECT i.location::geometry AS g FROM incidents i WHERE ${COUNTED} AND i.location IS NOT NULL
           ), anchor AS (
             SELECT coalesce(
               (SELECT point FROM areas WHERE tenant_id = $1 AND level = 'kabupaten' AND point IS NOT NULL
                 ORDER BY code LIMIT 1),
               (SELECT ST_Centroid(ST_Collect(g)) FROM pts)) AS p
           ), zone AS (
             SELECT CASE WHEN ST_Y(p) < 0 THEN 32700 ELSE 32600 END
                    + least(60, greatest(1, floor((ST_X(p) + 180) / 6)::int + 1)) AS srid
               FROM anchor WHERE p IS NOT NULL
           ), cells AS (
             SELECT floor(ST_X(m) / $5::float8) AS cx, floor(ST_Y(m) / $5::float8) AS cy, count(*) AS count
               FROM (SELECT ST_Transform(pts.g, zone.srid) AS m FROM pts, zone) t GROUP BY 1, 2
           )
           SELECT zone.srid, cells.count, round(ST_X(c.p)::numeric, 6) AS lon, round(ST_Y(c.p)::numeric, 6) AS lat
             FROM cells, zone, LATERAL (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(
                    (cells.cx + 0.5) * $5::float8, (cells.cy + 0.5) * $5::float8), zone.srid), 4326) AS p) c
            ORDER BY cells.count DESC, cells.cy DESC, cells.cx`,
    values: scoped(s, cellM),
  };
}

/**
 * The counted incidents with a point as one GeoJSON FeatureCollection's `features` array, built
 * by PostgreSQL as text (a year of incidents is never parsed and re-serialised in Node). No
 * reporter name or phone, and no free text (descriptions and addresses as said hold both).
 */
export function incidentFeatures(s: Scope): Sql {
  return {
    text: `SELECT coalesce(json_agg(json_build_object(
               'type', 'Feature', 'id', i.id,
               'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(
                 round(ST_X(i.location::geometry)::numeric, 6)::float8, round(ST_Y(i.location::geometry)::numeric, 6)::float8)),
               'properties', json_build_object(
                 'number', i.number, 'category', i.category, 'priority', i.priority, 'status', i.status,
                 'createdAt', to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'localDate', to_char(i.created_at AT TIME ZONE $5, 'YYYY-MM-DD'),
                 'kecamatanCode', i.kecamatan_code, 'desaCode', i.desa_code,
                 'agencies', coalesce((SELECT json_agg(DISTINCT g.code ORDER BY g.code)
                                         FROM assignments a JOIN agencies g ON g.tenant_id = a.tenant_id AND g.id = a.agency_id
                                        WHERE a.tenant_id = i.tenant_id AND a.incident_id = i.id
                                          AND a.status <> 'cancelled'), '[]'::json)))
             ORDER BY i.created_at, i.id), '[]'::json)::text AS features
             FROM incidents i WHERE ${COUNTED} AND i.location IS NOT NULL`,
    values: scoped(s, s.timeZone),
  };
}
