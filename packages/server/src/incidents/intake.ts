import type { CreateIncidentBody, CreateIncidentResponse } from '@sigap/contract';
import { type Principal, SYSTEM_ACTOR } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { createAssignments, pickRecommended, recommendationFor } from '../dispatch/service.js';
import type { TravelTimeProvider } from '../dispatch/travel-time/types.js';
import { ApiError } from '../errors.js';
import { createIncident, getIncident, tenantSettings } from './service.js';
import { lockVisibleIncident } from './transitions.js';

/**
 * Intake as a call taker sees it: the incident is created, and — when it has a point — the
 * nearest units of the responsible agencies are recommended in the same response. A tenant may
 * let P1 incidents be dispatched at once to those units (`autoDispatchP1`): minutes matter more
 * than a second pair of eyes there, and the dispatcher can still re-assign.
 */
export async function intakeIncident(
  tx: Queryable,
  principal: Principal,
  body: CreateIncidentBody,
  travelTime: TravelTimeProvider,
): Promise<CreateIncidentResponse> {
  const created = await createIncident(tx, principal, body);
  const id = created.incident.id;
  if (!created.incident.location.point) return forRole(principal, { ...created, recommendation: null });

  const recommendation = await recommendationFor(tx, principal, id, travelTime);
  const settings = await tenantSettings(tx, principal.tenantId);
  if (settings.autoDispatchP1 && created.incident.priority === 'P1' && !recommendation.noUnitAvailable) {
    let wanted: ReturnType<typeof pickRecommended> | null = null;
    try {
      wanted = pickRecommended(recommendation);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error; // no available unit: leave it to the dispatcher
    }
    if (wanted && wanted.length > 0) {
      const locked = await lockVisibleIncident(tx, principal, id);
      await createAssignments(tx, principal, SYSTEM_ACTOR, locked, wanted, 'auto-dispatched (P1)');
    }
  }
  return forRole(principal, { ...created, incident: await getIncident(tx, principal, id), recommendation });
}

/**
 * An app (integrator key) sees its own report only: no units (where the fleet is) and no other
 * reporters' incidents, just whether one was reported nearby. Staff get the full answer.
 */
function forRole(principal: Principal, response: CreateIncidentResponse): CreateIncidentResponse {
  const possibleDuplicateNearby = response.possibleDuplicates.length > 0;
  if (principal.role !== 'integrator') return { ...response, possibleDuplicateNearby };
  return { ...response, possibleDuplicates: [], recommendation: null, possibleDuplicateNearby };
}
