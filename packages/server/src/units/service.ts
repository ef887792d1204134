import type {
  ListUnitsQuery,
  Unit,
  UnitPage,
  UnitPositionBody,
  UnitPositionResult,
  UnitStatusBody,
} from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { EntityView, LiveLoaders } from '../live/shape.js';
import { codeCursor, invalid, iso, run, toPage } from '../tenants/admin-common.js';
import * as sql from './sql.js';

/** A device clock may run a little fast; beyond this a report's time is refused rather than trusted. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** An expected free time further ahead than this is a typo, not a plan. */
const MAX_BUSY_MS = 30 * 24 * 3600 * 1000;

export interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  agency_id: string;
  agency_code: string;
  agency_type: string;
  lon: number;
  lat: number;
  has_service_area: boolean;
  status: Unit['status'];
  expected_free_at: Date | null;
  position_at: Date;
  updated_at: Date;
}

export function serializeUnit(row: UnitRow): Unit {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    agencyId: row.agency_id,
    agencyCode: row.agency_code,
    agencyType: row.agency_type,
    location: { lon: row.lon, lat: row.lat },
    hasServiceArea: row.has_service_area,
    status: row.status,
    expectedFreeAt: iso(row.expected_free_at),
    positionAt: row.position_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Agency keys see and report for their own agency's units only. */
const ownAgency = (principal: Principal) => (principal.role === 'agency' ? principal.agencyId : null);

export async function getUnit(tx: Queryable, principal: Principal, id: string): Promise<Unit> {
  const { rows } = await run<UnitRow>(
    tx,
    sql.selectUnit(principal.tenantId, id, { agencyId: ownAgency(principal) }),
  );
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Unit ${id} not found.`);
  return serializeUnit(rows[0]);
}

function parseBbox(bbox: string): [number, number, number, number] {
  const [minLon, minLat, maxLon, maxLat] = bbox.split(',').map(Number) as [number, number, number, number];
  const inRange =
    minLon < maxLon && minLat < maxLat && minLon >= -180 && maxLon <= 180 && minLat >= -90 && maxLat <= 90;
  if (!inRange)
    throw invalid('/query/bbox', 'range', 'must be minLon,minLat,maxLon,maxLat within WGS 84 bounds');
  return [minLon, minLat, maxLon, maxLat];
}

export async function listUnits(
  tx: Queryable,
  principal: Principal,
  query: ListUnitsQuery,
): Promise<UnitPage> {
  const limit = query.limit ?? 100;
  const { rows } = await run<UnitRow>(
    tx,
    sql.listUnits(principal.tenantId, {
      ownAgency: ownAgency(principal),
      status: query.status,
      agency: query.agency,
      bbox: query.bbox ? parseBbox(query.bbox) : undefined,
      after: codeCursor(query.cursor),
      limit: limit + 1,
    }),
  );
  return toPage(rows, limit, serializeUnit, (last) => [last.code]);
}

async function lockVisibleUnit(tx: Queryable, principal: Principal, id: string) {
  const { rows } = await run<{ id: string; status: Unit['status']; expected_free_at: Date | null }>(
    tx,
    sql.lockUnit(principal.tenantId, id, ownAgency(principal)),
  );
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Unit ${id} not found.`);
  return rows[0];
}

/** A client-given time as an ISO string, refusing what no clock could have measured yet. */
function reportTime(value: string, path: string, now: number): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(path, 'format', 'is not a valid date-time');
  if (ms > now + CLOCK_SKEW_MS) throw invalid(path, 'future', 'is in the future; check the device clock');
  return new Date(ms).toISOString();
}

/**
 * Records where a unit is. A report measured before the stored position (`at` older than
 * `positionAt`) is acknowledged but not applied: trackers resend queued reports out of order,
 * and the map must not jump back. An applied report appends `unit.position` for the live stream.
 */
export async function reportUnitPosition(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: UnitPositionBody,
): Promise<UnitPositionResult> {
  const at = body.at === undefined ? null : reportTime(body.at, '/body/at', Date.now());
  await lockVisibleUnit(tx, principal, id);
  const moved = await run<{ position_at: Date }>(
    tx,
    sql.moveUnit(principal.tenantId, id, body.lon, body.lat, at),
  );
  const applied = moved.rowCount > 0;
  if (applied) {
    await appendEvent(tx, principal.tenantId, {
      type: 'unit.position',
      actor: actorOf(principal),
      unitId: id,
      payload: {
        lon: body.lon,
        lat: body.lat,
        accuracyM: body.accuracyM ?? null,
        at: moved.rows[0]!.position_at.toISOString(),
      },
    });
  }
  return { applied, unit: await getUnit(tx, principal, id) };
}

/**
 * Sets a unit available, busy (optionally until when) or offline, with a `unit.status_changed`
 * event. Repeating the current status and expected free time changes nothing.
 */
export async function setUnitStatus(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: UnitStatusBody,
): Promise<Unit> {
  let expectedFreeAt: string | null = null;
  if (body.expectedFreeAt != null) {
    if (body.status !== 'busy') {
      throw invalid('/body/expectedFreeAt', 'not_allowed', 'is only for status busy');
    }
    const now = Date.now();
    const ms = Date.parse(body.expectedFreeAt);
    if (Number.isNaN(ms)) throw invalid('/body/expectedFreeAt', 'format', 'is not a valid date-time');
    if (ms < now - CLOCK_SKEW_MS) throw invalid('/body/expectedFreeAt', 'past', 'is in the past');
    if (ms > now + MAX_BUSY_MS) throw invalid('/body/expectedFreeAt', 'range', 'is more than 30 days ahead');
    expectedFreeAt = new Date(ms).toISOString();
  }
  const current = await lockVisibleUnit(tx, principal, id);
  const unchanged = current.status === body.status && iso(current.expected_free_at) === expectedFreeAt;
  if (!unchanged) {
    await run(tx, sql.setUnitStatus(principal.tenantId, id, body.status, expectedFreeAt));
    await appendEvent(tx, principal.tenantId, {
      type: 'unit.status_changed',
      actor: actorOf(principal),
      unitId: id,
      payload: { from: current.status, to: body.status, expectedFreeAt },
    });
  }
  return getUnit(tx, principal, id);
}

function unitView(row: UnitRow): EntityView {
  const unit = serializeUnit(row);
  // Nothing personal in a unit: every role that may see it sees the same.
  return { full: unit, masked: unit, agencyId: unit.agencyId, point: unit.location };
}

/**
 * How the live stream reads units (`buildApp` passes them to `liveRoutes`): a unit event carries
 * the unit as it is now, and a snapshot every unit. The hub applies the agency filter itself.
 */
export const unitLiveLoaders: Required<Pick<LiveLoaders, 'unit' | 'units'>> = {
  unit: async (tx, tenantId, id) => {
    const { rows } = await run<UnitRow>(tx, sql.selectUnit(tenantId, id));
    return rows[0] ? unitView(rows[0]) : null;
  },
  units: async (tx, tenantId) => (await run<UnitRow>(tx, sql.selectAllUnits(tenantId))).rows.map(unitView),
};
