import type { Candidate, Priority, Recommendation } from '@sigap/contract';
import type { Queryable } from '../db/index.js';
import { fillPlan } from '../fleet/fill-plan.js';
import { iso } from '../incidents/serialize.js';
import { nearestUnits } from './sql.js';
import { straightLine } from './travel-time/straight-line.js';
import type { LonLat, TravelTimeProvider } from './travel-time/types.js';

export interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  status: string;
  expected_free_at: Date | null;
  agency_id: string;
  agency_code: string;
  agency_type: string;
  lon: number;
  lat: number;
  distance_m: number;
  has_service_area: boolean;
}

/** Extra candidates fetched by distance so a road-network ETA can reorder them. */
const OVERFETCH = 3;

/**
 * Which units to send, per agency type the category needs. The category's `responsible` is a
 * list of alternatives, each a group of types needed together (a traffic accident: PSC 119 and
 * Polri). The first group whose every type has an available unit wins. When none does, the
 * first group's types are filled with whatever is available, else the busy units that free up
 * first, and the incident is flagged `noUnitAvailable`.
 *
 * Nearest by PostGIS KNN on the units' GiST index; ETA from the travel-time provider, falling
 * back to the straight line when the provider fails.
 */
export async function recommendUnits(
  tx: Queryable,
  tenantId: string,
  incident: { id: string; category: string; point: LonLat },
  travelTime: TravelTimeProvider,
  limit = 3,
): Promise<Recommendation> {
  const { rows } = await tx.query<{ responsible: string[][] }>(
    'SELECT responsible FROM categories WHERE tenant_id = $1 AND code = $2',
    [tenantId, incident.category],
  );
  const groups = rows[0]?.responsible ?? [];
  const available = new Map<string, UnitRow[]>();
  const availableOf = async (type: string) => {
    if (!available.has(type))
      available.set(type, await candidates(tx, tenantId, incident.point, type, 'available', limit));
    return available.get(type)!;
  };

  let chosen: { agencyType: string; fallbackFor: string[] | null; units: UnitRow[] }[] | null = null;
  for (const [index, group] of groups.entries()) {
    const found = await Promise.all(group.map(async (type) => ({ type, units: await availableOf(type) })));
    if (found.every((f) => f.units.length > 0)) {
      chosen = found.map((f) => ({
        agencyType: f.type,
        fallbackFor: index === 0 ? null : groups[0]!,
        units: f.units,
      }));
      break;
    }
  }
  let noUnitAvailable = false;
  if (!chosen) {
    noUnitAvailable = groups.length > 0;
    chosen = [];
    for (const type of groups[0] ?? []) {
      const free = await availableOf(type);
      chosen.push({
        agencyType: type,
        fallbackFor: null,
        units: free.length > 0 ? free : await candidates(tx, tenantId, incident.point, type, 'busy', limit),
      });
    }
  }

  const provider = { name: travelTime.name };
  const needs = [];
  for (const need of chosen) {
    const etas = await estimate(need.units, incident.point, travelTime, provider);
    // Available units by ETA; busy ones by when they are free (then ETA): the one that can be
    // there first is what a dispatcher wants to see on top.
    const ranked = need.units
      .map((unit, i) => ({ unit, eta: etas[i] ?? null }))
      .sort(
        (a, b) =>
          (a.unit.expected_free_at?.getTime() ?? Number.POSITIVE_INFINITY) -
            (b.unit.expected_free_at?.getTime() ?? Number.POSITIVE_INFINITY) ||
          (a.eta ?? Number.POSITIVE_INFINITY) - (b.eta ?? Number.POSITIVE_INFINITY) ||
          a.unit.distance_m - b.unit.distance_m,
      )
      .slice(0, limit);
    needs.push({
      agencyType: need.agencyType,
      fallbackFor: need.fallbackFor,
      candidates: ranked.map(({ unit, eta }, rank) => toCandidate(unit, eta, rank, need.fallbackFor)),
    });
  }
  // The response plan: units by type, with what could not be filled (fleet/fill-plan.ts).
  const { rows: details } = await tx.query<{ priority: Priority; condition: Record<string, unknown> }>(
    'SELECT priority, condition FROM incidents WHERE tenant_id = $1 AND id = $2',
    [tenantId, incident.id],
  );
  const plan = details[0]
    ? await fillPlan(
        tx,
        tenantId,
        { ...incident, priority: details[0].priority, condition: details[0].condition },
        travelTime,
        provider,
        limit,
      )
    : null;
  return { incidentId: incident.id, needs, noUnitAvailable, travelTime: provider.name, plan };
}

function candidates(
  tx: Queryable,
  tenantId: string,
  point: LonLat,
  type: string,
  status: 'available' | 'busy',
  limit: number,
) {
  const q = nearestUnits(tenantId, point.lon, point.lat, type, status, limit * OVERFETCH);
  return tx.query<UnitRow>(q.text, q.values).then((r) => r.rows);
}

export async function estimate(
  units: UnitRow[],
  point: LonLat,
  travelTime: TravelTimeProvider,
  used: { name: string },
): Promise<(number | null)[]> {
  const origins = units.map((u) => ({ lon: u.lon, lat: u.lat, distanceM: u.distance_m, kind: u.kind }));
  const fallback = await straightLine.durations(origins, point);
  if (travelTime === straightLine) return fallback;
  try {
    const routed = await travelTime.durations(origins, point);
    return routed.map((seconds, i) => seconds ?? fallback[i] ?? null);
  } catch {
    // The routing service is down or slow: a straight-line ETA is better than none.
    used.name = straightLine.name;
    return fallback;
  }
}

export function toCandidate(
  unit: UnitRow,
  eta: number | null,
  rank: number,
  fallbackFor: string[] | null,
): Candidate {
  const km = (unit.distance_m / 1000).toFixed(1);
  const parts = [
    unit.status === 'available'
      ? rank === 0
        ? `nearest available ${unit.agency_type} unit`
        : 'available'
      : 'busy',
    `${km} km away`,
  ];
  if (unit.status === 'busy') {
    parts.push(
      unit.expected_free_at ? `expected free at ${iso(unit.expected_free_at)}` : 'no expected free time',
    );
  }
  if (unit.has_service_area) parts.push('the incident is inside its service area');
  if (fallbackFor) parts.push(`standing in for ${fallbackFor.join(' + ')}, none available`);
  return {
    unitId: unit.id,
    unitCode: unit.code,
    unitName: unit.name,
    unitKind: unit.kind,
    unitStatus: unit.status,
    agencyId: unit.agency_id,
    agencyCode: unit.agency_code,
    agencyType: unit.agency_type,
    distanceM: Math.round(unit.distance_m),
    etaSeconds: eta,
    expectedFreeAt: unit.expected_free_at ? iso(unit.expected_free_at) : null,
    reason: parts.join('; '),
  };
}
