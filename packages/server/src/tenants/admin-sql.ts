import type { Sql } from './admin-common.js';

// Every statement of tenant administration. `$1` is always the tenant id: row-level security
// would hide other tenants' rows anyway, the explicit filter lets the indexes work.

// ---------------------------------------------------------------------------------------------
// Tenant

export function selectTenant(tenantId: string, forUpdate = false): Sql {
  return {
    text: `SELECT id, name, time_zone, number_prefix, settings, created_at FROM tenants WHERE id = $1
           ${forUpdate ? 'FOR UPDATE' : ''}`,
    values: [tenantId],
  };
}

/** `null` leaves a column as it is. */
export function updateTenant(
  tenantId: string,
  change: { name: string | null; timeZone: string | null; settings: string | null },
): Sql {
  return {
    text: `UPDATE tenants SET name = coalesce($2, name), time_zone = coalesce($3, time_zone),
                              settings = coalesce($4::jsonb, settings)
            WHERE id = $1`,
    values: [tenantId, change.name, change.timeZone, change.settings],
  };
}

// ---------------------------------------------------------------------------------------------
// Agencies

const AGENCY_COLUMNS = `g.id, g.code, g.type, g.kind, g.name, g.active, g.created_at,
  (SELECT count(*)::int FROM units u WHERE u.tenant_id = g.tenant_id AND u.agency_id = g.id) AS unit_count`;

export function selectAgency(tenantId: string, id: string): Sql {
  return {
    text: `SELECT ${AGENCY_COLUMNS} FROM agencies g WHERE g.tenant_id = $1 AND g.id = $2`,
    values: [tenantId, id],
  };
}

/** Locks the agency against concurrent changes (and against new units or keys referring to it). */
export function lockAgency(tenantId: string, id: string): Sql {
  return {
    text: 'SELECT id, code, active FROM agencies WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
    values: [tenantId, id],
  };
}

/** Ordered by code, keyset-paginated after `after`. */
export function listAgencies(
  tenantId: string,
  f: { type?: string; active?: boolean; after?: string; limit: number },
): Sql {
  const values: unknown[] = [tenantId];
  const where = ['g.tenant_id = $1'];
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (f.type !== undefined) where.push(`g.type = ${add(f.type)}`);
  if (f.active !== undefined) where.push(`g.active = ${add(f.active)}`);
  if (f.after !== undefined) where.push(`g.code > ${add(f.after)}`);
  return {
    text: `SELECT ${AGENCY_COLUMNS} FROM agencies g WHERE ${where.join(' AND ')}
            ORDER BY g.code LIMIT ${add(f.limit)}`,
    values,
  };
}

export function agencyCodeTaken(tenantId: string, code: string): Sql {
  return { text: 'SELECT 1 FROM agencies WHERE tenant_id = $1 AND code = $2', values: [tenantId, code] };
}

export function insertAgency(
  tenantId: string,
  a: { code: string; type: string; kind: string; name: string },
): Sql {
  return {
    text: `INSERT INTO agencies (tenant_id, code, type, kind, name) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    values: [tenantId, a.code, a.type, a.kind, a.name],
  };
}

/** `undefined` leaves a column as it is. */
export function updateAgency(
  tenantId: string,
  id: string,
  change: { name?: string; kind?: string; active?: boolean },
): Sql {
  return {
    text: `UPDATE agencies SET name = coalesce($3, name), kind = coalesce($4, kind),
                               active = coalesce($5::boolean, active)
            WHERE tenant_id = $1 AND id = $2`,
    values: [tenantId, id, change.name ?? null, change.kind ?? null, change.active ?? null],
  };
}

export function deleteAgency(tenantId: string, id: string): Sql {
  return { text: 'DELETE FROM agencies WHERE tenant_id = $1 AND id = $2', values: [tenantId, id] };
}

// ---------------------------------------------------------------------------------------------
// Categories

const CATEGORY_COLUMNS = `code, label_id, label_en, default_priority, responsible,
  ack_target_s, on_scene_target_s, resolve_target_s, active`;

export function listCategories(
  tenantId: string,
  f: { includeInactive: boolean; after?: string; limit: number },
): Sql {
  const values: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (!f.includeInactive) where.push('active');
  if (f.after !== undefined) {
    values.push(f.after);
    where.push(`code > $${values.length}`);
  }
  values.push(f.limit);
  return {
    text: `SELECT ${CATEGORY_COLUMNS} FROM categories WHERE ${where.join(' AND ')}
            ORDER BY code LIMIT $${values.length}`,
    values,
  };
}

export function selectCategory(tenantId: string, code: string, forUpdate = false): Sql {
  return {
    text: `SELECT ${CATEGORY_COLUMNS} FROM categories WHERE tenant_id = $1 AND code = $2
           ${forUpdate ? 'FOR UPDATE' : ''}`,
    values: [tenantId, code],
  };
}

export interface CategoryValues {
  code: string;
  labelId: string;
  labelEn: string;
  defaultPriority: string;
  responsible: string[][];
  ackTargetS: number | null;
  onSceneTargetS: number | null;
  resolveTargetS: number | null;
  active: boolean;
}

const categoryValues = (c: CategoryValues) => [
  c.code,
  c.labelId,
  c.labelEn,
  c.defaultPriority,
  JSON.stringify(c.responsible),
  c.ackTargetS,
  c.onSceneTargetS,
  c.resolveTargetS,
  c.active,
];

export function insertCategory(tenantId: string, c: CategoryValues): Sql {
  return {
    text: `INSERT INTO categories (tenant_id, code, label_id, label_en, default_priority, responsible,
                                   ack_target_s, on_scene_target_s, resolve_target_s, active)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)`,
    values: [tenantId, ...categoryValues(c)],
  };
}

/** Writes every column: the service merges the patch into the locked row first. */
export function updateCategory(tenantId: string, c: CategoryValues): Sql {
  return {
    text: `UPDATE categories SET label_id = $3, label_en = $4, default_priority = $5, responsible = $6::jsonb,
                                 ack_target_s = $7, on_scene_target_s = $8, resolve_target_s = $9, active = $10
            WHERE tenant_id = $1 AND code = $2`,
    values: [tenantId, ...categoryValues(c)],
  };
}

// ---------------------------------------------------------------------------------------------
// API keys (never the hash: nothing here needs it)

const KEY_COLUMNS = `id, name, role, agency_id, key_prefix, created_at, last_used_at, revoked_at, expires_at,
  -- Microsecond precision for the list cursor (a JavaScript Date keeps only milliseconds).
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

export function selectApiKey(tenantId: string, id: string, forUpdate = false): Sql {
  return {
    text: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    values: [tenantId, id],
  };
}

/** Newest first, keyset-paginated on (created_at, id). */
export function listApiKeys(
  tenantId: string,
  f: {
    role?: string;
    agency?: string;
    revoked?: boolean;
    cursor?: { createdAt: string; id: string };
    limit: number;
  },
): Sql {
  const values: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (f.role !== undefined) where.push(`role = ${add(f.role)}`);
  if (f.agency !== undefined) where.push(`agency_id = ${add(f.agency)}::uuid`);
  if (f.revoked !== undefined) where.push(f.revoked ? 'revoked_at IS NOT NULL' : 'revoked_at IS NULL');
  if (f.cursor) {
    where.push(`(created_at, id) < (${add(f.cursor.createdAt)}::timestamptz, ${add(f.cursor.id)}::uuid)`);
  }
  return {
    text: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE ${where.join(' AND ')}
            ORDER BY created_at DESC, id DESC LIMIT ${add(f.limit)}`,
    values,
  };
}

/**
 * Locks every usable admin key of the tenant: revocations then run one at a time, so two admins
 * revoking each other's keys at once cannot leave the tenant without any.
 */
export function lockActiveAdminKeys(tenantId: string): Sql {
  return {
    text: `SELECT id FROM api_keys WHERE tenant_id = $1 AND role = 'admin' AND revoked_at IS NULL
            ORDER BY id FOR UPDATE`,
    values: [tenantId],
  };
}

export function revokeApiKey(tenantId: string, id: string): Sql {
  return {
    text: 'UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL',
    values: [tenantId, id],
  };
}
