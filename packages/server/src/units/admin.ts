import type { AdminUnit, CreateUnitBody, ServiceArea, UpdateUnitBody } from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { isDatabaseUnavailable, type Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { assertUnitType } from '../fleet/service.js';
import { invalid, run, unlessDuplicate, whenUnreferenced } from '../tenants/admin-common.js';
import { serializeUnit, type UnitRow } from './service.js';
import * as sql from './sql.js';

// Units as administrators manage them: create, change, delete, with their service areas.

type Geometry = { type: 'MultiPolygon'; coordinates: number[][][][] };

function audit(
  tx: Queryable,
  principal: Principal,
  type: string,
  unitId: string,
  payload: Record<string, unknown>,
) {
  return appendEvent(tx, principal.tenantId, { type, actor: actorOf(principal), unitId, payload });
}

export async function getAdminUnit(tx: Queryable, principal: Principal, id: string): Promise<AdminUnit> {
  const { rows } = await run<UnitRow & { service_area: Geometry | null }>(
    tx,
    sql.selectUnit(principal.tenantId, id, { withServiceArea: true }),
  );
  const row = rows[0];
  if (!row) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Unit ${id} not found.`);
  return { ...serializeUnit(row), serviceArea: row.service_area };
}

/**
 * Checks a service area and returns it as GeoJSON text for PostGIS. What JSON Schema cannot
 * say is checked here (coordinates in range, closed rings), then PostGIS judges validity:
 * an invalid area is a 400 carrying `ST_IsValidReason` (e.g. "Self-intersection[112.7 -7.4]").
 */
async function serviceAreaText(tx: Queryable, area: ServiceArea, path: string): Promise<string> {
  const rings =
    area.type === 'Polygon'
      ? area.coordinates.map((ring, r) => ({ ring, at: `${path}/coordinates/${r}` }))
      : area.coordinates.flatMap((polygon, p) =>
          polygon.map((ring, r) => ({ ring, at: `${path}/coordinates/${p}/${r}` })),
        );
  for (const { ring, at } of rings) {
    for (const [i, position] of ring.entries()) {
      const [lon, lat] = position as [number, number];
      if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
        throw invalid(`${at}/${i}`, 'range', 'must be [lon, lat] within WGS 84 bounds');
      }
    }
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      throw invalid(at, 'ring_not_closed', 'must end with its first position (a closed ring)');
    }
  }
  const text = JSON.stringify({ type: area.type, coordinates: area.coordinates });
  let check: { valid: boolean | null; reason: string | null } | undefined;
  try {
    check = (await run<{ valid: boolean | null; reason: string | null }>(tx, sql.checkGeometry(text)))
      .rows[0];
  } catch (error) {
    // PostGIS refused to read it at all: its message is about the geometry, never our internals.
    if (isDatabaseUnavailable(error) || !(error instanceof Error)) throw error;
    throw invalid(path, 'invalid_geometry', error.message.slice(0, 400));
  }
  if (check?.valid !== true) {
    throw invalid(path, 'invalid_geometry', (check?.reason ?? 'is not a valid geometry').slice(0, 400));
  }
  return text;
}

async function checkAgency(tx: Queryable, principal: Principal, agencyId: string): Promise<void> {
  const { rowCount } = await run(tx, sql.agencyForUnit(principal.tenantId, agencyId));
  if (rowCount === 0) throw invalid('/body/agencyId', 'not_found', 'is not an agency of this tenant');
}

async function checkCode(tx: Queryable, principal: Principal, code: string, exceptId: string | null) {
  const { rowCount } = await run(tx, sql.unitCodeTaken(principal.tenantId, code, exceptId));
  if (rowCount > 0) throw new ApiError('SIGAP_ERR_CONFLICT', `A unit with code ${code} already exists.`);
}

/** Creates a unit (available unless told otherwise) with `admin.unit_created`. */
export async function createUnit(
  tx: Queryable,
  principal: Principal,
  body: CreateUnitBody,
): Promise<AdminUnit> {
  await checkAgency(tx, principal, body.agencyId);
  await checkCode(tx, principal, body.code, null);
  await assertUnitType(tx, principal.tenantId, body.kind, '/body/kind');
  const serviceArea = body.serviceArea
    ? await serviceAreaText(tx, body.serviceArea, '/body/serviceArea')
    : null;
  const { rows } = await unlessDuplicate(
    run<{ id: string }>(
      tx,
      sql.insertUnit(principal.tenantId, {
        agencyId: body.agencyId,
        code: body.code,
        name: body.name,
        kind: body.kind,
        lon: body.location.lon,
        lat: body.location.lat,
        serviceArea,
        status: body.status ?? 'available',
      }),
    ),
    `A unit with code ${body.code} already exists.`,
  );
  const id = rows[0]!.id;
  const { serviceArea: _area, ...rest } = body;
  await audit(tx, principal, 'admin.unit_created', id, { ...rest, hasServiceArea: serviceArea !== null });
  return getAdminUnit(tx, principal, id);
}

/**
 * Changes a unit. Besides `admin.unit_updated`, a new location or status appends the same
 * `unit.position` / `unit.status_changed` events as a field report, so the live map follows.
 */
export async function updateUnit(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: UpdateUnitBody,
): Promise<AdminUnit> {
  const { rows } = await run<{ status: string }>(tx, sql.lockUnit(principal.tenantId, id));
  const current = rows[0];
  if (!current) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Unit ${id} not found.`);
  if (body.agencyId !== undefined) await checkAgency(tx, principal, body.agencyId);
  if (body.code !== undefined) await checkCode(tx, principal, body.code, id);
  if (body.kind !== undefined) await assertUnitType(tx, principal.tenantId, body.kind, '/body/kind');
  let serviceArea: string | null | undefined;
  if (body.serviceArea === null) serviceArea = null;
  else if (body.serviceArea !== undefined) {
    serviceArea = await serviceAreaText(tx, body.serviceArea, '/body/serviceArea');
  }
  await unlessDuplicate(
    run(tx, sql.updateUnit(principal.tenantId, id, { ...body, serviceArea })),
    `A unit with code ${body.code} already exists.`,
  );
  const { serviceArea: _area, ...rest } = body;
  const changes: Record<string, unknown> = { ...rest };
  if (serviceArea !== undefined) changes.serviceArea = serviceArea === null ? 'removed' : 'replaced';
  await audit(tx, principal, 'admin.unit_updated', id, { changes });
  const updated = await getAdminUnit(tx, principal, id);
  if (body.location) {
    await appendEvent(tx, principal.tenantId, {
      type: 'unit.position',
      actor: actorOf(principal),
      unitId: id,
      payload: { ...body.location, accuracyM: null, at: updated.positionAt },
    });
  }
  if (body.status !== undefined && body.status !== current.status) {
    await appendEvent(tx, principal.tenantId, {
      type: 'unit.status_changed',
      actor: actorOf(principal),
      unitId: id,
      payload: { from: current.status, to: body.status, expectedFreeAt: null },
    });
  }
  return updated;
}

/**
 * Deletes a unit nothing refers to (one created by mistake). A unit that was ever assigned is
 * part of incident history: 409, set it offline instead.
 */
export async function deleteUnit(tx: Queryable, principal: Principal, id: string): Promise<AdminUnit> {
  const { rowCount } = await run(tx, sql.lockUnit(principal.tenantId, id));
  if (rowCount === 0) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Unit ${id} not found.`);
  const before = await getAdminUnit(tx, principal, id);
  const deleted = await whenUnreferenced(tx, async () => {
    await run(tx, sql.deleteUnit(principal.tenantId, id));
  });
  if (!deleted) {
    throw new ApiError(
      'SIGAP_ERR_CONFLICT',
      `Unit ${before.code} has been assigned to incidents and stays in their history; set its status to offline instead.`,
    );
  }
  await audit(tx, principal, 'admin.unit_deleted', id, { code: before.code, agencyId: before.agencyId });
  return before;
}
