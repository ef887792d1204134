import type {
  Agency,
  AgencyPage,
  ApiKey,
  ApiKeyPage,
  Category,
  CategoryPage,
  CreateAgencyBody,
  CreateApiKeyBody,
  CreateCategoryBody,
  DeleteAgencyResult,
  ListAgenciesQuery,
  ListApiKeysQuery,
  ListCategoriesQuery,
  Priority,
  Role,
  TenantProfile,
  UpdateAgencyBody,
  UpdateCategoryBody,
  UpdateTenantBody,
} from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { decodeCursor } from '../plugins/cursor.js';
import { codeCursor, invalid, iso, run, toPage, unlessDuplicate, whenUnreferenced } from './admin-common.js';
import * as sql from './admin-sql.js';
import { resolveSettings } from './defaults.js';
import { createApiKey } from './provision.js';
import { applySettingsPatch, contradictoryTarget, overridesOf } from './settings.js';

/** Records an administrative change in the tenant's audit trail, in the change's transaction. */
function audit(tx: Queryable, principal: Principal, type: string, payload: Record<string, unknown>) {
  return appendEvent(tx, principal.tenantId, { type, actor: actorOf(principal), payload });
}

// ---------------------------------------------------------------------------------------------
// Tenant profile and settings

interface TenantRow {
  id: string;
  name: string;
  time_zone: TenantProfile['timeZone'];
  number_prefix: string;
  settings: unknown;
  created_at: Date;
}

function serializeTenant(row: TenantRow): TenantProfile {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    numberPrefix: row.number_prefix,
    settings: resolveSettings(overridesOf(row.settings)),
    overrides: overridesOf(row.settings),
    createdAt: row.created_at.toISOString(),
  };
}

export async function getTenantProfile(tx: Queryable, principal: Principal): Promise<TenantProfile> {
  const { rows } = await run<TenantRow>(tx, sql.selectTenant(principal.tenantId));
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', 'Tenant not found.');
  return serializeTenant(rows[0]);
}

/**
 * Changes the name, time zone and settings. Settings are stored as overrides of the built-in
 * defaults (so a setting added later gets its default), merged with the body as a merge patch.
 */
export async function updateTenantProfile(
  tx: Queryable,
  principal: Principal,
  body: UpdateTenantBody,
): Promise<TenantProfile> {
  const { rows } = await run<TenantRow>(tx, sql.selectTenant(principal.tenantId, true));
  const current = rows[0];
  if (!current) throw new ApiError('SIGAP_ERR_NOT_FOUND', 'Tenant not found.');
  let settings: string | null = null;
  if (body.settings) {
    const overrides = applySettingsPatch(current.settings, body.settings);
    const contradiction = contradictoryTarget(resolveSettings(overrides).targets);
    if (contradiction) throw invalid(contradiction.path, 'inconsistent_targets', contradiction.message);
    settings = JSON.stringify(overrides);
  }
  await run(
    tx,
    sql.updateTenant(principal.tenantId, {
      name: body.name ?? null,
      timeZone: body.timeZone ?? null,
      settings,
    }),
  );
  await audit(tx, principal, 'admin.tenant_updated', { changes: body });
  return getTenantProfile(tx, principal);
}

// ---------------------------------------------------------------------------------------------
// Agencies

interface AgencyRow {
  id: string;
  code: string;
  type: string;
  kind: Agency['kind'];
  name: string;
  active: boolean;
  created_at: Date;
  unit_count: number;
}

function serializeAgency(row: AgencyRow): Agency {
  return {
    id: row.id,
    code: row.code,
    type: row.type,
    kind: row.kind,
    name: row.name,
    active: row.active,
    unitCount: row.unit_count,
    createdAt: row.created_at.toISOString(),
  };
}

export async function getAgency(tx: Queryable, principal: Principal, id: string): Promise<Agency> {
  const { rows } = await run<AgencyRow>(tx, sql.selectAgency(principal.tenantId, id));
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Agency ${id} not found.`);
  return serializeAgency(rows[0]);
}

export async function listAgencies(
  tx: Queryable,
  principal: Principal,
  query: ListAgenciesQuery,
): Promise<AgencyPage> {
  const limit = query.limit ?? 100;
  const { rows } = await run<AgencyRow>(
    tx,
    sql.listAgencies(principal.tenantId, {
      type: query.type,
      active: query.active,
      after: codeCursor(query.cursor),
      limit: limit + 1,
    }),
  );
  return toPage(rows, limit, serializeAgency, (last) => [last.code]);
}

export async function createAgency(
  tx: Queryable,
  principal: Principal,
  body: CreateAgencyBody,
): Promise<Agency> {
  const tenantId = principal.tenantId;
  const taken = await run(tx, sql.agencyCodeTaken(tenantId, body.code));
  const conflict = `An agency with code ${body.code} already exists.`;
  if (taken.rowCount > 0) throw new ApiError('SIGAP_ERR_CONFLICT', conflict);
  const { rows } = await unlessDuplicate(run<{ id: string }>(tx, sql.insertAgency(tenantId, body)), conflict);
  const id = rows[0]!.id;
  await audit(tx, principal, 'admin.agency_created', { agencyId: id, ...body });
  return getAgency(tx, principal, id);
}

async function lockAgency(tx: Queryable, principal: Principal, id: string) {
  const { rows } = await run<{ id: string; code: string; active: boolean }>(
    tx,
    sql.lockAgency(principal.tenantId, id),
  );
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Agency ${id} not found.`);
  return rows[0];
}

export async function updateAgency(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: UpdateAgencyBody,
): Promise<Agency> {
  await lockAgency(tx, principal, id);
  await run(tx, sql.updateAgency(principal.tenantId, id, body));
  await audit(tx, principal, 'admin.agency_updated', { agencyId: id, changes: body });
  return getAgency(tx, principal, id);
}

/**
 * Deletes an agency nothing refers to (one created by mistake). An agency with units, keys or
 * assignments is part of the history: it is deactivated instead (no longer dispatched).
 */
export async function deleteAgency(
  tx: Queryable,
  principal: Principal,
  id: string,
): Promise<DeleteAgencyResult> {
  await lockAgency(tx, principal, id);
  const before = await getAgency(tx, principal, id);
  const deleted = await whenUnreferenced(tx, async () => {
    await run(tx, sql.deleteAgency(principal.tenantId, id));
  });
  if (deleted) {
    await audit(tx, principal, 'admin.agency_deleted', { agencyId: id, code: before.code });
    return { deleted: true, agency: before };
  }
  if (before.active) {
    await run(tx, sql.updateAgency(principal.tenantId, id, { active: false }));
    await audit(tx, principal, 'admin.agency_deactivated', { agencyId: id, code: before.code });
  }
  return { deleted: false, agency: await getAgency(tx, principal, id) };
}

// ---------------------------------------------------------------------------------------------
// Categories

interface CategoryRow {
  code: string;
  label_id: string;
  label_en: string;
  default_priority: Priority;
  responsible: string[][];
  ack_target_s: number | null;
  on_scene_target_s: number | null;
  resolve_target_s: number | null;
  active: boolean;
}

function serializeCategory(row: CategoryRow): Category {
  return {
    code: row.code,
    labelId: row.label_id,
    labelEn: row.label_en,
    defaultPriority: row.default_priority,
    responsible: row.responsible,
    targets: {
      acknowledgeS: row.ack_target_s,
      onSceneS: row.on_scene_target_s,
      resolveS: row.resolve_target_s,
    },
    active: row.active,
  };
}

function categoryTargetsCheck(v: sql.CategoryValues): void {
  const contradiction = contradictoryTarget({
    P1: { acknowledgeS: v.ackTargetS, onSceneS: v.onSceneTargetS, resolveS: v.resolveTargetS },
    P2: { acknowledgeS: null, onSceneS: null, resolveS: null },
    P3: { acknowledgeS: null, onSceneS: null, resolveS: null },
  });
  if (contradiction) {
    const field = contradiction.path.split('/').pop();
    throw invalid(`/body/targets/${field}`, 'inconsistent_targets', contradiction.message);
  }
}

export async function listCategories(
  tx: Queryable,
  principal: Principal,
  query: ListCategoriesQuery,
): Promise<CategoryPage> {
  const limit = query.limit ?? 200;
  const { rows } = await run<CategoryRow>(
    tx,
    sql.listCategories(principal.tenantId, {
      includeInactive: query.includeInactive ?? false,
      after: codeCursor(query.cursor),
      limit: limit + 1,
    }),
  );
  return toPage(rows, limit, serializeCategory, (last) => [last.code]);
}

async function getCategory(tx: Queryable, principal: Principal, code: string): Promise<Category> {
  const { rows } = await run<CategoryRow>(tx, sql.selectCategory(principal.tenantId, code));
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Category ${code} not found.`);
  return serializeCategory(rows[0]);
}

export async function createCategory(
  tx: Queryable,
  principal: Principal,
  body: CreateCategoryBody,
): Promise<Category> {
  const tenantId = principal.tenantId;
  const conflict = `A category with code ${body.code} already exists.`;
  const { rowCount } = await run(tx, sql.selectCategory(tenantId, body.code));
  if (rowCount > 0) throw new ApiError('SIGAP_ERR_CONFLICT', conflict);
  const values: sql.CategoryValues = {
    code: body.code,
    labelId: body.labelId,
    labelEn: body.labelEn,
    defaultPriority: body.defaultPriority,
    responsible: body.responsible,
    ackTargetS: body.targets?.acknowledgeS ?? null,
    onSceneTargetS: body.targets?.onSceneS ?? null,
    resolveTargetS: body.targets?.resolveS ?? null,
    active: body.active ?? true,
  };
  categoryTargetsCheck(values);
  await unlessDuplicate(run(tx, sql.insertCategory(tenantId, values)), conflict);
  await audit(tx, principal, 'admin.category_created', { ...body });
  return getCategory(tx, principal, body.code);
}

/** Merges the patch into the locked row; a target set to `null` falls back to the tenant's. */
export async function updateCategory(
  tx: Queryable,
  principal: Principal,
  code: string,
  body: UpdateCategoryBody,
): Promise<Category> {
  const { rows } = await run<CategoryRow>(tx, sql.selectCategory(principal.tenantId, code, true));
  const row = rows[0];
  if (!row) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Category ${code} not found.`);
  const pick = <T>(patched: T | undefined, current: T): T => (patched === undefined ? current : patched);
  const values: sql.CategoryValues = {
    code,
    labelId: pick(body.labelId, row.label_id),
    labelEn: pick(body.labelEn, row.label_en),
    defaultPriority: pick(body.defaultPriority, row.default_priority),
    responsible: pick(body.responsible, row.responsible),
    ackTargetS: pick(body.targets?.acknowledgeS, row.ack_target_s),
    onSceneTargetS: pick(body.targets?.onSceneS, row.on_scene_target_s),
    resolveTargetS: pick(body.targets?.resolveS, row.resolve_target_s),
    active: pick(body.active, row.active),
  };
  categoryTargetsCheck(values);
  await run(tx, sql.updateCategory(principal.tenantId, values));
  await audit(tx, principal, 'admin.category_updated', { code, changes: body });
  return getCategory(tx, principal, code);
}

// ---------------------------------------------------------------------------------------------
// API keys

interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  agency_id: string | null;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date | null;
  cursor_at: string;
}

function serializeApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    agencyId: row.agency_id,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    expiresAt: iso(row.expires_at),
  };
}

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listApiKeys(
  tx: Queryable,
  principal: Principal,
  query: ListApiKeysQuery,
): Promise<ApiKeyPage> {
  const limit = query.limit ?? 100;
  let cursor: { createdAt: string; id: string } | undefined;
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string];
    if (!ISO_MICROS.test(createdAt) || !UUID.test(id)) {
      throw invalid('/query/cursor', 'format', 'is not a cursor returned by this list');
    }
    cursor = { createdAt, id };
  }
  const { rows } = await run<ApiKeyRow>(
    tx,
    sql.listApiKeys(principal.tenantId, {
      role: query.role,
      agency: query.agency,
      revoked: query.revoked,
      cursor,
      limit: limit + 1,
    }),
  );
  return toPage(rows, limit, serializeApiKey, (last) => [last.cursor_at, last.id]);
}

async function getApiKey(tx: Queryable, principal: Principal, id: string): Promise<ApiKey> {
  const { rows } = await run<ApiKeyRow>(tx, sql.selectApiKey(principal.tenantId, id));
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `API key ${id} not found.`);
  return serializeApiKey(rows[0]);
}

/**
 * Creates a key and returns it with its secret, which exists nowhere else afterwards. An
 * `agency` key is bound to one active agency of the same tenant; other roles to none.
 */
export async function createTenantApiKey(
  tx: Queryable,
  principal: Principal,
  body: CreateApiKeyBody,
): Promise<{ key: ApiKey; secret: string }> {
  const tenantId = principal.tenantId;
  if (body.role === 'agency') {
    if (body.agencyId === undefined) {
      throw invalid('/body/agencyId', 'required', 'is required for an agency key');
    }
    // Locked so the agency cannot be deleted or deactivated before the key is committed.
    const { rows } = await run<{ active: boolean }>(tx, sql.lockAgency(tenantId, body.agencyId));
    if (!rows[0]) throw invalid('/body/agencyId', 'not_found', 'is not an agency of this tenant');
    if (!rows[0].active) throw invalid('/body/agencyId', 'inactive', 'is an inactive agency');
  } else if (body.agencyId !== undefined) {
    throw invalid('/body/agencyId', 'not_allowed', 'is only for agency keys');
  }
  if (body.expiresAt !== undefined && Date.parse(body.expiresAt) <= Date.now()) {
    throw invalid('/body/expiresAt', 'range', 'must be in the future');
  }
  const created = await createApiKey(tx, tenantId, {
    name: body.name,
    role: body.role,
    agencyId: body.agencyId ?? null,
    expiresAt: body.expiresAt ?? null,
  });
  const key = await getApiKey(tx, principal, created.id);
  // The audit trail names the key by id and prefix: never the secret.
  await audit(tx, principal, 'admin.key_created', {
    keyId: key.id,
    name: key.name,
    role: key.role,
    agencyId: key.agencyId,
    prefix: key.prefix,
  });
  return { key, secret: created.secret };
}

/**
 * Revokes a key at once (the next request with it is a 401). Revoking a revoked key changes
 * nothing. The tenant's last usable admin key cannot be revoked: nobody could administer it.
 */
export async function revokeTenantApiKey(tx: Queryable, principal: Principal, id: string): Promise<ApiKey> {
  const tenantId = principal.tenantId;
  const activeAdmins = (await run<{ id: string }>(tx, sql.lockActiveAdminKeys(tenantId))).rows;
  const { rows } = await run<ApiKeyRow>(tx, sql.selectApiKey(tenantId, id, true));
  const row = rows[0];
  if (!row) throw new ApiError('SIGAP_ERR_NOT_FOUND', `API key ${id} not found.`);
  if (row.revoked_at) return serializeApiKey(row);
  if (row.role === 'admin' && activeAdmins.every((k) => k.id === id)) {
    throw new ApiError(
      'SIGAP_ERR_CONFLICT',
      'This is the last usable admin key of the tenant; create another admin key before revoking it.',
    );
  }
  await run(tx, sql.revokeApiKey(tenantId, id));
  await audit(tx, principal, 'admin.key_revoked', {
    keyId: row.id,
    name: row.name,
    role: row.role,
    prefix: row.key_prefix,
  });
  return getApiKey(tx, principal, id);
}
