/**
 * Every query of the location domain, parameterised; `$1` is always the tenant id (row-level
 * security limits each transaction to its tenant already, the filter lets the planner use the
 * tenant-leading indexes).
 */
export interface Sql {
  text: string;
  values: unknown[];
}

export interface AreasAtRow {
  has_kab: boolean;
  has_kec: boolean;
  kab_code: string | null;
  kec_code: string | null;
  desa_code: string | null;
  near_code: string | null;
  near_kec_code: string | null;
  near_m: number | null;
}

/**
 * What the tenant's areas say about one point, in one statement:
 * - the kabupaten, kecamatan and desa whose boundary contains it (`ST_Intersects`, GiST);
 * - whether the tenant has kabupaten/kecamatan boundaries at all (without them "outside the
 *   tenant" cannot be judged, and a missing kecamatan means nothing);
 * - the nearest desa POINT (KNN `<->` on the GiST index) for when no desa boundary contains the
 *   point: restricted to the kecamatan found, and only inside the tenant when that is known. The
 *   caller accepts it within the tenant's `desaPointRadiusM` and flags it approximate.
 */
export function areasAt(tenantId: string, lon: number, lat: number): Sql {
  return {
    text: `
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS g),
has AS (
  SELECT EXISTS (SELECT 1 FROM areas WHERE tenant_id = $1 AND level = 'kabupaten' AND boundary IS NOT NULL) AS kab,
         EXISTS (SELECT 1 FROM areas WHERE tenant_id = $1 AND level = 'kecamatan' AND boundary IS NOT NULL) AS kec
),
at AS (
  SELECT
    (SELECT code FROM areas WHERE tenant_id = $1 AND level = 'kabupaten' AND boundary IS NOT NULL
        AND ST_Intersects(boundary, pt.g) ORDER BY code LIMIT 1) AS kab_code,
    (SELECT code FROM areas WHERE tenant_id = $1 AND level = 'kecamatan' AND boundary IS NOT NULL
        AND ST_Intersects(boundary, pt.g) ORDER BY code LIMIT 1) AS kec_code,
    (SELECT code FROM areas WHERE tenant_id = $1 AND level = 'desa' AND boundary IS NOT NULL
        AND ST_Intersects(boundary, pt.g) ORDER BY code LIMIT 1) AS desa_code
  FROM pt
)
SELECT has.kab AS has_kab, has.kec AS has_kec, at.kab_code, at.kec_code, at.desa_code,
       near.code AS near_code, near.parent_code AS near_kec_code, near.m AS near_m
  FROM pt CROSS JOIN has CROSS JOIN at
  LEFT JOIN LATERAL (
    SELECT a.code, a.parent_code, ST_Distance(a.point::geography, pt.g::geography) AS m
      FROM areas a
     WHERE a.tenant_id = $1 AND a.level = 'desa' AND a.point IS NOT NULL AND at.desa_code IS NULL
       AND (at.kec_code IS NULL OR a.parent_code = at.kec_code)
       AND (at.kec_code IS NOT NULL OR NOT has.kec)
       AND (at.kab_code IS NOT NULL OR NOT has.kab)
     ORDER BY a.point <-> pt.g LIMIT 1
  ) near ON true`,
    values: [tenantId, lon, lat],
  };
}

/** The regency a point outside the tenant falls in (any tenant's boundary; only its code is revealed). */
export function regencyAt(lon: number, lat: number): Sql {
  return {
    text: 'SELECT sigap_regency_at(ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS code',
    values: [lon, lat],
  };
}

/**
 * A kecamatan's representative point and the radius of a circle of its area: where an incident
 * whose desa is known only by name (no desa point) is put, with that radius as its accuracy.
 */
export function kecamatanPoint(tenantId: string, code: string): Sql {
  return {
    text: `SELECT ST_X(point) AS lon, ST_Y(point) AS lat,
                  CASE WHEN boundary IS NULL THEN NULL ELSE sqrt(ST_Area(boundary::geography) / pi()) END AS radius_m
             FROM areas WHERE tenant_id = $1 AND code = $2 AND level = 'kecamatan' AND point IS NOT NULL`,
    values: [tenantId, code],
  };
}

export interface CallLocationRow {
  lon: number | null;
  lat: number | null;
  location_accuracy_m: number | null;
  location_source: 'device_gps' | 'aml' | 'network' | 'map_pick' | null;
  location_address: string | null;
  location_at: Date | null;
}

/** The location a call carries (all null when none). */
export function callLocation(tenantId: string, callId: string): Sql {
  return {
    text: `SELECT ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat, location_accuracy_m,
                  location_source, location_address, location_at
             FROM calls WHERE tenant_id = $1 AND id = $2`,
    values: [tenantId, callId],
  };
}

/** Locks the call for a location change and returns the location it had. */
export function lockCallLocation(tenantId: string, callId: string): Sql {
  const q = callLocation(tenantId, callId);
  return { text: `${q.text} FOR UPDATE`, values: q.values };
}

export function setCallLocation(
  tenantId: string,
  callId: string,
  l: { lon: number; lat: number; accuracyM: number | null; source: string; address: string | null },
): Sql {
  return {
    text: `UPDATE calls SET location = ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography,
                  location_accuracy_m = $5, location_source = $6, location_address = $7, location_at = now()
            WHERE tenant_id = $1 AND id = $2
        RETURNING location_at`,
    values: [tenantId, callId, l.lon, l.lat, l.accuracyM, l.source, l.address],
  };
}

export interface IncidentLocationRow {
  status: string;
  created_by: string | null;
  category: string;
  lon: number | null;
  lat: number | null;
  location_accuracy_m: number | null;
  location_source: string | null;
  address_text: string | null;
  desa_code: string | null;
  kecamatan_code: string | null;
  outside_jurisdiction: boolean;
  jurisdiction_code: string | null;
  location_status: string;
  location_confidence: number | null;
  desa_approximate: boolean;
}

/** Locks the incident for a location change and returns its current location. */
export function lockIncidentLocation(tenantId: string, id: string): Sql {
  return {
    text: `SELECT status, created_by, category, ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat,
                  location_accuracy_m, location_source, address_text, desa_code, kecamatan_code,
                  outside_jurisdiction, jurisdiction_code, location_status, location_confidence, desa_approximate
             FROM incidents WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
    values: [tenantId, id],
  };
}

export interface StoredLocation {
  point: { lon: number; lat: number } | null;
  accuracyM: number | null;
  source: string | null;
  address: string | null;
  desaCode: string | null;
  kecamatanCode: string | null;
  outsideJurisdiction: boolean;
  jurisdictionCode: string | null;
  status: 'located' | 'needs_review';
  confidence: number | null;
  desaApproximate: boolean;
}

export function updateIncidentLocation(tenantId: string, id: string, l: StoredLocation): Sql {
  return {
    text: `UPDATE incidents SET
             location = CASE WHEN $3::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography END,
             location_accuracy_m = $5, location_source = $6, address_text = $7, desa_code = $8,
             kecamatan_code = $9, outside_jurisdiction = $10, jurisdiction_code = $11,
             location_status = $12, location_confidence = $13, desa_approximate = $14
            WHERE tenant_id = $1 AND id = $2`,
    values: [
      tenantId,
      id,
      l.point?.lon ?? null,
      l.point?.lat ?? null,
      l.accuracyM,
      l.source,
      l.address,
      l.desaCode,
      l.kecamatanCode,
      l.outsideJurisdiction,
      l.jurisdictionCode,
      l.status,
      l.confidence,
      l.desaApproximate,
    ],
  };
}
