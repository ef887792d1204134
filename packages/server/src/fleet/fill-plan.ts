import type { Candidate, PlanFill, PlanSlotFill, Priority } from '@sigap/contract';
import type { Queryable } from '../db/index.js';
import { estimate, toCandidate, type UnitRow } from '../dispatch/recommend.js';
import type { LonLat, TravelTimeProvider } from '../dispatch/travel-time/types.js';
import { run } from '../tenants/admin-common.js';
import { effectiveSlots, planFor } from './service.js';
import * as sql from './sql.js';

/** Extra units read per slot beyond what it needs, so road ETAs can reorder the nearest few. */
const OVERFETCH = 2;

export interface PlanIncident {
  id: string;
  category: string;
  priority: Priority;
  condition: { victims?: number; trapped?: boolean };
  point: LonLat;
}

/**
 * Fills the category's response plan for one incident with the nearest available units of
 * each slot's type: one KNN query per slot (GiST index on unit locations), ETAs from the
 * travel-time provider, best ETA first. Units already sent to the incident count towards their
 * slot; a unit fills one slot only. What no available unit can fill is said, not failed:
 * `unfilled: 1 boat`. Returns null when the category has no plan (the agency-type
 * recommendation then stands alone).
 */
export async function fillPlan(
  tx: Queryable,
  tenantId: string,
  incident: PlanIncident,
  travelTime: TravelTimeProvider,
  used: { name: string },
  alternatives = 3,
): Promise<PlanFill | null> {
  const plan = await planFor(tx, tenantId, incident.category);
  const slots = effectiveSlots(plan, incident.priority, incident.condition);
  if (slots.length === 0) return null;

  const { rows: assigned } = await run<{ id: string; kind: string; agency_type: string }>(
    tx,
    sql.assignedUnits(tenantId, incident.id),
  );
  const taken = new Set<string>(assigned.map((a) => a.id));
  const counted = new Set<string>();
  const filled: PlanSlotFill[] = [];
  for (const slot of slots) {
    const agencyTypes = slot.agencyTypes ?? null;
    const fits = (kind: string, agencyType: string) =>
      kind === slot.unitType && (agencyTypes === null || agencyTypes.includes(agencyType));
    let alreadyAssigned = 0;
    for (const a of assigned) {
      if (alreadyAssigned >= slot.count) break;
      if (!counted.has(a.id) && fits(a.kind, a.agency_type)) {
        counted.add(a.id);
        alreadyAssigned++;
      }
    }
    const need = slot.count - alreadyAssigned;
    const q = sql.nearestOfType(
      tenantId,
      incident.point.lon,
      incident.point.lat,
      slot.unitType,
      agencyTypes,
      [...taken],
      need + alternatives + OVERFETCH,
    );
    const units = (await run<UnitRow>(tx, q)).rows;
    const etas = await estimate(units, incident.point, travelTime, used);
    const ranked = units
      .map((unit, i) => ({ unit, eta: etas[i] ?? null }))
      .sort(
        (a, b) =>
          (a.eta ?? Number.POSITIVE_INFINITY) - (b.eta ?? Number.POSITIVE_INFINITY) ||
          a.unit.distance_m - b.unit.distance_m,
      );
    const chosen = ranked.slice(0, need);
    for (const c of chosen) taken.add(c.unit.id);
    const describe =
      (rank: number, role: string) =>
      (c: (typeof ranked)[number]): Candidate => {
        const candidate = toCandidate(c.unit, c.eta, rank, null);
        const km = (c.unit.distance_m / 1000).toFixed(1);
        return { ...candidate, reason: `${role} ${slot.unitType} (${slot.because}); ${km} km away` };
      };
    filled.push({
      unitType: slot.unitType,
      count: slot.count,
      agencyTypes,
      because: slot.because,
      alreadyAssigned,
      chosen: chosen.map((c, i) => describe(i, i === 0 ? 'nearest available' : 'next available')(c)),
      unfilled: need - chosen.length,
      alternatives: ranked.slice(need, need + alternatives).map((c, i) => describe(i, 'alternative')(c)),
    });
  }
  const unfilled = filled
    .filter((s) => s.unfilled > 0)
    .map((s) => ({ unitType: s.unitType, count: s.unfilled }));
  return {
    slots: filled,
    unfilled,
    summary:
      unfilled.length > 0 ? `unfilled: ${unfilled.map((u) => `${u.count} ${u.unitType}`).join(', ')}` : null,
  };
}
