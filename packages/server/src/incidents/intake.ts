import type { CreateIncidentBody, CreateIncidentResponse } from '@sigap/contract';
import { type Principal, SYSTEM_ACTOR } from '../auth/principal.js';
import type { Db, Queryable } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { createAssignments, pickRecommended, recommendationFor } from '../dispatch/service.js';
import type { TravelTimeProvider } from '../dispatch/travel-time/types.js';
import { ApiError } from '../errors.js';
import type { ExternalGeocoder } from '../geocoding/providers/index.js';
import { type ResolvedLocation, resolveLocation } from '../location/resolve.js';
import type { TenantSettings } from '../tenants/defaults.js';
import { createIncident, getIncident, tenantSettings } from './service.js';
import { lockVisibleIncident } from './transitions.js';

/**
 * Intake, step 1 — before the transaction that numbers and writes the incident: the tenant's
 * settings, and where the incident is (the point sent, its call's point, or its address
 * geocoded — the external geocoder is waited for with no transaction open).
 */
export async function resolveIntake(
  db: Db,
  geocoder: ExternalGeocoder,
  principal: Principal,
  body: CreateIncidentBody,
): Promise<{ resolved: ResolvedLocation; settings: TenantSettings }> {
  const settings = await withTenant(db, principal.tenantId, (tx) => tenantSettings(tx, principal.tenantId));
  const resolved = await resolveLocation(
    db,
    geocoder,
    principal.tenantId,
    body.location,
    body.callId,
    settings,
  );
  return { resolved, settings };
}

/**
 * Intake, step 2, as a call taker sees it: the incident is created, and — when it has a point — the
 * nearest units of the responsible agencies are recommended in the same response. A tenant may
 * let P1 incidents be dispatched at once to those units (`autoDispatchP1`): minutes matter more
 * than a second pair of eyes there, and the dispatcher can still re-assign.
 */
export async function intakeIncident(
  tx: Queryable,
  principal: Principal,
  body: CreateIncidentBody,
  { resolved, settings }: { resolved: ResolvedLocation; settings: TenantSettings },
  travelTime: TravelTimeProvider,
): Promise<CreateIncidentResponse> {
  const created = await createIncident(tx, principal, body, resolved, settings);
  const geocoding = resolved.resolution;
  const id = created.incident.id;
  if (!created.incident.location.point)
    return forRole(principal, { ...created, recommendation: null, geocoding });

  const recommendation = await recommendationFor(tx, principal, id, travelTime);
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
  return forRole(principal, {
    ...created,
    incident: await getIncident(tx, principal, id),
    recommendation,
    geocoding,
  });
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
