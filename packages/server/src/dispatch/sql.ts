/** Candidate units of one agency type for a point, nearest first (KNN on the geography GiST index). */
export function nearestUnits(
  tenantId: string,
  lon: number,
  lat: number,
  agencyType: string,
  status: 'available' | 'busy',
  limit: number,
): { text: string; values: unknown[] } {
  return {
    text: `SELECT u.id, u.code, u.name, u.kind, u.status, u.expected_free_at,
                  g.id AS agency_id, g.code AS agency_code, g.type AS agency_type,
                  ST_X(u.location::geometry) AS lon, ST_Y(u.location::geometry) AS lat,
                  ST_Distance(u.location, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS distance_m,
                  u.service_area IS NOT NULL AS has_service_area
             FROM units u
             JOIN agencies g ON g.tenant_id = u.tenant_id AND g.id = u.agency_id
            WHERE u.tenant_id = $1 AND g.type = $4 AND g.active AND u.status = $5
              AND (u.service_area IS NULL OR ST_Covers(u.service_area, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography))
            ORDER BY ${status === 'busy' ? 'u.expected_free_at NULLS LAST, ' : ''}u.location <-> ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography
            LIMIT $6`,
    values: [tenantId, lon, lat, agencyType, status, limit],
  };
}
