import {
  type AgencyReport,
  type AgencyReportQuery,
  type AgencyStats,
  type HotspotQuery,
  type HotspotReport,
  type IncidentExportQuery,
  MAX_REPORT_DAYS,
  type SummaryQuery,
  type SummaryReport,
} from '@sigap/contract';
import type { Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { iso } from '../incidents/serialize.js';
import { shapeCalls, shapeHandling, shapeIncidents } from './shape.js';
import * as sql from './sql.js';
import * as geo from './sql-geo.js';
import * as kpi from './sql-kpi.js';
import { type AnswerToDispatchRow, shapeAnswerToDispatch } from './sql-kpi.js';

const run = async <R>(tx: Queryable, q: sql.Sql) => (await tx.query<R>(q.text, q.values)).rows;

type Header = Pick<SummaryReport, 'tenantId' | 'timeZone' | 'from' | 'to' | 'generatedAt'>;

const DAY_MS = 86_400_000;

/**
 * `from`/`to` are local calendar dates (the schema has checked each is a real date); this checks
 * them together: `to` after `from` (it is exclusive, so equal dates would be an empty report) and
 * at most MAX_REPORT_DAYS apart, so one request cannot ask for a decade of figures.
 */
export function checkRange(from: string, to: string): void {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  const fail = (code: string, message: string) =>
    new ApiError('SIGAP_ERR_VALIDATION', undefined, { details: [{ path: '/query/to', code, message }] });
  if (!(days > 0)) throw fail('range', 'must be a later date than from (to is exclusive)');
  if (days > MAX_REPORT_DAYS) throw fail('max_range', `must be at most ${MAX_REPORT_DAYS} days after from`);
}

/**
 * The report's scope: the tenant's zone, the range as instants, and — for an agency key — the one
 * agency it may see. Agencies evaluate their own work; the rest of the centre's figures are not
 * theirs to read (the incidents list limits them the same way).
 */
async function openScope(
  tx: Queryable,
  principal: Principal,
  range: { from: string; to: string },
): Promise<{ scope: sql.Scope; header: Header }> {
  checkRange(range.from, range.to);
  // The correlated look-ups of these queries inflate PostgreSQL's cost estimates past the JIT
  // thresholds, and compiling took longer than running (1.4 s of 1.9 s on a year of data).
  await tx.exec('SET LOCAL jit = off');
  const [b] = await run<{ time_zone: string; lo: Date; hi: Date; now: Date }>(
    tx,
    sql.reportBounds(principal.tenantId, range.from, range.to),
  );
  if (!b) throw new ApiError('SIGAP_ERR_NOT_FOUND', 'Tenant not found.');
  const scope: sql.Scope = {
    tenantId: principal.tenantId,
    lo: iso(b.lo),
    hi: iso(b.hi),
    timeZone: b.time_zone,
    agencyId: principal.role === 'agency' ? principal.agencyId : null,
  };
  const header = {
    tenantId: principal.tenantId,
    timeZone: b.time_zone,
    from: range.from,
    to: range.to,
    generatedAt: iso(b.now),
  };
  return { scope, header };
}

export interface AgencyRow {
  rank: number | null;
  agency_id: string;
  code: string;
  name: string;
  kind: AgencyStats['kind'];
  assigned: number;
  acknowledged: number;
  ack_targeted: number;
  acknowledged_on_time: number;
  resolved: number;
  declined: number;
  targets_met: number;
  targets_missed: number;
  pending: number;
  compliance: number | null;
  ack_median: number | null;
  ack_p90: number | null;
  on_scene_median: number | null;
  on_scene_p90: number | null;
  resolve_median: number | null;
  resolve_p90: number | null;
  breaches: number;
  reopened: number;
  handoffs_overdue: number;
}

function toAgencyStats(r: AgencyRow): AgencyStats {
  return {
    rank: r.rank,
    agencyId: r.agency_id,
    code: r.code,
    name: r.name,
    kind: r.kind,
    assigned: r.assigned,
    acknowledged: r.acknowledged,
    ackTargeted: r.ack_targeted,
    acknowledgedOnTime: r.acknowledged_on_time,
    resolved: r.resolved,
    declined: r.declined,
    targetsMet: r.targets_met,
    targetsMissed: r.targets_missed,
    pending: r.pending,
    compliance: r.compliance,
    ackMedianS: r.ack_median,
    ackP90S: r.ack_p90,
    onSceneMedianS: r.on_scene_median,
    onSceneP90S: r.on_scene_p90,
    resolveMedianS: r.resolve_median,
    resolveP90S: r.resolve_p90,
    breaches: r.breaches,
    reopened: r.reopened,
    handoffsOverdue: r.handoffs_overdue,
  };
}

async function agencyTable(tx: Queryable, scope: sql.Scope): Promise<AgencyStats[]> {
  return (await run<AgencyRow>(tx, sql.agencyStats(scope))).map(toAgencyStats);
}

/** GET /reports/summary: calls, incidents, handling times, agencies and overdue hand-offs. */
export async function summaryReport(
  tx: Queryable,
  principal: Principal,
  query: SummaryQuery,
): Promise<SummaryReport> {
  const { scope, header } = await openScope(tx, principal, query);
  const unit = query.groupBy ?? 'day';
  const periods = (await run<{ period: string }>(tx, sql.reportPeriods(query.from, query.to, unit))).map(
    (r) => r.period,
  );
  // Calls are the call centre's own work and are not linked to an agency: not an agency's to read.
  const calls =
    scope.agencyId === null ? shapeCalls(await run(tx, sql.callRollup(scope, unit)), periods) : null;
  const [excluded] = await run<{ merged: number; rejected: number }>(tx, sql.excludedIncidents(scope));
  const incidents = shapeIncidents(
    await run(tx, sql.incidentRollup(scope, unit)),
    await run(tx, sql.incidentsByAgency(scope)),
    periods,
    excluded ?? { merged: 0, rejected: 0 },
  );
  const handling = shapeHandling(await run(tx, sql.handlingTimes(scope, unit)), periods);
  const answerToDispatch = shapeAnswerToDispatch(
    await run<AnswerToDispatchRow>(tx, kpi.answerToDispatch(scope)),
  );
  const agencies = await agencyTable(tx, scope);
  const handoffs = await run<{
    assignment_id: string;
    incident_id: string;
    number: string;
    category: string;
    agency_id: string;
    agency_code: string;
    agency_name: string;
    ticket: string | null;
    promised_at: Date;
    overdue_hours: number;
    status: string;
  }>(tx, sql.overdueHandoffs(scope));
  return {
    ...header,
    groupBy: unit,
    calls,
    incidents,
    handling,
    answerToDispatch,
    agencies,
    overdueHandoffs: handoffs.map((h) => ({
      assignmentId: h.assignment_id,
      incidentId: h.incident_id,
      incidentNumber: h.number,
      category: h.category,
      agencyId: h.agency_id,
      agencyCode: h.agency_code,
      agencyName: h.agency_name,
      ticket: h.ticket,
      promisedAt: iso(h.promised_at),
      overdueHours: h.overdue_hours,
      status: h.status,
    })),
  };
}

/** GET /reports/agencies: the league table, best target compliance first. */
export async function agencyReport(
  tx: Queryable,
  principal: Principal,
  query: AgencyReportQuery,
): Promise<AgencyReport> {
  const { scope, header } = await openScope(tx, principal, query);
  return { ...header, agencies: await agencyTable(tx, scope) };
}

/** GET /reports/hotspots: counts per area and a grid of cell centres for a heat layer. */
export async function hotspotReport(
  tx: Queryable,
  principal: Principal,
  query: HotspotQuery,
): Promise<HotspotReport> {
  const { scope, header } = await openScope(tx, principal, query);
  const level = query.level ?? 'kecamatan';
  const cellM = query.cell ?? 1000;
  const areas = await run<{ code: string | null; name: string | null; count: number }>(
    tx,
    geo.hotspotAreas(scope, level),
  );
  const cells = await run<{ srid: number; count: number; lon: number; lat: number }>(
    tx,
    geo.hotspotGrid(scope, cellM),
  );
  return {
    ...header,
    level,
    cellM,
    crs: cells[0] ? `EPSG:${cells[0].srid}` : null,
    areas: areas.flatMap((a) => (a.code === null ? [] : [{ code: a.code, name: a.name, count: a.count }])),
    unknownArea: areas.find((a) => a.code === null)?.count ?? 0,
    grid: {
      type: 'FeatureCollection',
      features: cells.map((c) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [c.lon, c.lat] },
        properties: { count: c.count },
      })),
    },
  };
}

/** GET /reports/incidents.geojson: the GeoJSON text, assembled around PostgreSQL's features array. */
export async function incidentGeoJson(
  tx: Queryable,
  principal: Principal,
  query: IncidentExportQuery,
): Promise<string> {
  const { scope } = await openScope(tx, principal, query);
  const [row] = await run<{ features: string }>(tx, geo.incidentFeatures(scope));
  return `{"type":"FeatureCollection","features":${row?.features ?? '[]'}}`;
}
