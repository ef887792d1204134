import type { Sql } from '../tenants/admin-common.js';

// Every statement of the fleet domain (unit types and response plans). `$1` is always the tenant id.

/** The tenant's own unit types, by code (the built-in ones are in defaults.ts). */
export function listOwnUnitTypes(tenantId: string): Sql {
  return {
    text: 'SELECT code, label_id, label_en, capabilities FROM unit_types WHERE tenant_id = $1 ORDER BY code',
    values: [tenantId],
  };
}

/** Which of `codes` the tenant has added itself (the caller checks the built-in ones). */
export function ownUnitTypesAmong(tenantId: string, codes: string[]): Sql {
  return {
    text: 'SELECT code FROM unit_types WHERE tenant_id = $1 AND code = ANY($2::text[])',
    values: [tenantId, codes],
  };
}

/** Creates or replaces one of the tenant's own types; `inserted` tells which. */
export function upsertUnitType(
  tenantId: string,
  t: { code: string; labelId: string; labelEn: string; capabilities: string[] },
): Sql {
  return {
    text: `INSERT INTO unit_types AS t (tenant_id, code, label_id, label_en, capabilities)
           VALUES ($1, $2, $3, $4, $5::text[])
           ON CONFLICT (tenant_id, code) DO UPDATE
              SET label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en,
                  capabilities = EXCLUDED.capabilities, updated_at = now()
           RETURNING (xmax = 0) AS inserted`,
    values: [tenantId, t.code, t.labelId, t.labelEn, t.capabilities],
  };
}

/** The tenant's own plans (categories without a row use the built-in default). */
export function listOwnPlans(tenantId: string): Sql {
  return {
    text: 'SELECT category, plan FROM response_plans WHERE tenant_id = $1 ORDER BY category',
    values: [tenantId],
  };
}

export function selectOwnPlan(tenantId: string, category: string): Sql {
  return {
    text: 'SELECT plan FROM response_plans WHERE tenant_id = $1 AND category = $2',
    values: [tenantId, category],
  };
}

export function upsertPlan(tenantId: string, category: string, plan: unknown): Sql {
  return {
    text: `INSERT INTO response_plans (tenant_id, category, plan) VALUES ($1, $2, $3::jsonb)
           ON CONFLICT (tenant_id, category) DO UPDATE SET plan = EXCLUDED.plan, updated_at = now()`,
    values: [tenantId, category, JSON.stringify(plan)],
  };
}

export function deletePlan(tenantId: string, category: string): Sql {
  return {
    text: 'DELETE FROM response_plans WHERE tenant_id = $1 AND category = $2',
    values: [tenantId, category],
  };
}

export function categoryCodes(tenantId: string): Sql {
  return { text: 'SELECT code FROM categories WHERE tenant_id = $1 ORDER BY code', values: [tenantId] };
}

/**
 * Nearest available units of one type for a point (KNN on the units' geography GiST index),
 * optionally only from agencies of `agencyTypes`, leaving out `exclude` (units already chosen
 * for another slot). Service areas that do not cover the point rule a unit out.
 */
export function nearestOfType(
  tenantId: string,
  lon: number,
  lat: number,
  unitType: string,
  agencyTypes: string[] | null,
  exclude: string[],
  limit: number,
): Sql {
  return {
    text: `SELECT u.id, u.code, u.name, u.kind, u.status, u.expected_free_at,
                  g.id AS agency_id, g.code AS agency_code, g.type AS agency_type,
                  ST_X(u.location::geometry) AS lon, ST_Y(u.location::geometry) AS lat,
                  ST_Distance(u.location, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS distance_m,
                  u.service_area IS NOT NULL AS has_service_area
             FROM units u
             JOIN agencies g ON g.tenant_id = u.tenant_id AND g.id = u.agency_id
            WHERE u.tenant_id = $1 AND u.kind = $4 AND u.status = 'available' AND g.active
              AND ($5::text[] IS NULL OR g.type = ANY($5::text[]))
              AND NOT (u.id = ANY($6::uuid[]))
              -- A unit marked available by hand while it still holds an assignment is not free
              -- (the unique index on open assignments per unit answers this per candidate).
              AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.tenant_id = u.tenant_id AND a.unit_id = u.id
                                AND a.status NOT IN ('resolved', 'declined', 'cancelled'))
              AND (u.service_area IS NULL OR ST_Covers(u.service_area, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography))
            ORDER BY u.location <-> ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography
            LIMIT $7`,
    values: [tenantId, lon, lat, unitType, agencyTypes, exclude, limit],
  };
}

/**
 * Units (with their type and agency type) sent to the incident and not withdrawn: a unit that
 * finished its part still counts towards the plan (the fire engine that left counts as sent).
 */
export function assignedUnits(tenantId: string, incidentId: string): Sql {
  return {
    text: `SELECT u.id, u.kind, g.type AS agency_type
             FROM assignments a
             JOIN units u ON u.tenant_id = a.tenant_id AND u.id = a.unit_id
             JOIN agencies g ON g.tenant_id = u.tenant_id AND g.id = u.agency_id
            WHERE a.tenant_id = $1 AND a.incident_id = $2
              AND a.status NOT IN ('declined', 'cancelled')`,
    values: [tenantId, incidentId],
  };
}
