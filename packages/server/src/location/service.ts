import type {
  Call,
  CallLocation,
  LocationSource,
  SetCallLocationBody,
  UpdateIncidentLocationBody,
  UpdateIncidentLocationResponse,
} from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { recommendationFor } from '../dispatch/service.js';
import type { TravelTimeProvider } from '../dispatch/travel-time/types.js';
import { ApiError } from '../errors.js';
import { recordIncidentEvent } from '../incidents/projection.js';
import { findPossibleDuplicates, getIncident } from '../incidents/service.js';
import type { TenantSettings } from '../tenants/defaults.js';
import { deriveAreas } from './areas.js';
import type { ResolvedLocation } from './resolve.js';
import * as sql from './sql.js';

const run = <R>(tx: Queryable, q: sql.Sql) => tx.query<R>(q.text, q.values);

function invalid(path: string, code: string, message: string): ApiError {
  return new ApiError('SIGAP_ERR_VALIDATION', undefined, { details: [{ path, code, message }] });
}

/** The location as it stands in the trail: the whole of it, so `from` and `to` can be compared. */
function storedOf(row: sql.IncidentLocationRow): sql.StoredLocation {
  return {
    point: row.lon === null || row.lat === null ? null : { lon: row.lon, lat: row.lat },
    accuracyM: row.location_accuracy_m,
    source: row.location_source,
    address: row.address_text,
    desaCode: row.desa_code,
    kecamatanCode: row.kecamatan_code,
    outsideJurisdiction: row.outside_jurisdiction,
    jurisdictionCode: row.jurisdiction_code,
    status: row.location_status as sql.StoredLocation['status'],
    confidence: row.location_confidence,
    desaApproximate: row.desa_approximate,
  };
}

/**
 * Corrects an incident's location: a point (map pick, GPS, AML, a chosen candidate) and/or an
 * address, already geocoded by the caller outside this transaction (`geocoded`, when only an
 * address was sent). Appends `incident.location_updated` with the old and new location, who and
 * why; re-derives desa and kecamatan; re-runs the duplicate check and the unit recommendation
 * for the new point. The event streams like every `incident.*` event, so the board moves the
 * marker. Integrators may correct only their own incidents (visibility) while `received`.
 */
export async function correctIncidentLocation(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: UpdateIncidentLocationBody,
  geocoded: ResolvedLocation | null,
  settings: TenantSettings,
  travelTime: TravelTimeProvider,
): Promise<UpdateIncidentLocationResponse> {
  const tenantId = principal.tenantId;
  if (!body.point && !body.address) {
    throw invalid('/body', 'required', 'needs a point or an address (where is the emergency now?)');
  }
  await getIncident(tx, principal, id); // 404 unless this key may see it
  const { rows } = await run<sql.IncidentLocationRow>(tx, sql.lockIncidentLocation(tenantId, id));
  const current = rows[0]!;
  if (principal.role === 'integrator' && current.status !== 'received') {
    throw new ApiError(
      'SIGAP_ERR_CONFLICT',
      `The incident is ${current.status}: a call taker owns its location now; call 112 to correct it.`,
    );
  }
  const from = storedOf(current);

  // The new point: as sent; else the address's geocoded point when confident; else the old one
  // stays (a vaguer address does not erase a point someone placed).
  let point = from.point;
  let source = from.source as LocationSource | null;
  let accuracyM = from.accuracyM;
  let confidence = from.confidence;
  let text: ResolvedLocation['text'] = null;
  if (body.point) {
    point = body.point;
    source = body.source ?? 'map_pick';
    accuracyM = body.accuracyM ?? null;
    confidence = null;
  } else if (geocoded?.point) {
    point = geocoded.point;
    source = geocoded.source;
    accuracyM = body.accuracyM ?? geocoded.accuracyM;
    confidence = geocoded.confidence;
    text = geocoded.text;
  }
  const areas = point
    ? await deriveAreas(tx, tenantId, point, text, settings.desaPointRadiusM)
    : {
        desaCode: null,
        kecamatanCode: null,
        desaApproximate: false,
        outsideJurisdiction: false,
        jurisdictionCode: null,
      };
  const to: sql.StoredLocation = {
    point,
    accuracyM,
    source,
    address: body.address ?? from.address,
    ...areas,
    status: point ? 'located' : 'needs_review',
    confidence,
  };
  await run(tx, sql.updateIncidentLocation(tenantId, id, to));
  await recordIncidentEvent(tx, tenantId, id, {
    type: 'incident.location_updated',
    actor: actorOf(principal),
    payload: {
      from,
      to,
      reason: body.reason ?? null,
      ...(geocoded?.resolution ? { geocoding: geocoded.resolution } : {}),
    },
  });

  const possibleDuplicates = point
    ? await findPossibleDuplicates(tx, tenantId, id, current.category, point, settings)
    : [];
  const recommendation = point ? await recommendationFor(tx, principal, id, travelTime) : null;
  return {
    incident: await getIncident(tx, principal, id),
    possibleDuplicates,
    recommendation,
    geocoding: geocoded?.resolution ?? null,
  };
}

/**
 * Sets where a caller is before any incident exists: an AML SMS, the operator's cell position,
 * a telephony integration. An incident created from the call without a point of its own takes
 * this one. Integrators set it only on calls they logged. `call.location_updated` is in the trail.
 */
export async function setCallLocation(
  tx: Queryable,
  principal: Principal,
  callId: string,
  body: SetCallLocationBody,
  loadCall: (tx: Queryable, principal: Principal, id: string) => Promise<Call>,
): Promise<Call> {
  const tenantId = principal.tenantId;
  const { rows: owners } = await tx.query<{ created_by: string | null }>(
    'SELECT created_by FROM calls WHERE tenant_id = $1 AND id = $2',
    [tenantId, callId],
  );
  const owner = owners[0];
  if (!owner || (principal.role === 'integrator' && owner.created_by !== principal.keyId)) {
    throw new ApiError('SIGAP_ERR_NOT_FOUND', `Call ${callId} not found.`);
  }
  const { rows } = await run<sql.CallLocationRow>(tx, sql.lockCallLocation(tenantId, callId));
  const before = rows[0]!;
  const from: CallLocation | null =
    before.lon === null || before.lat === null || !before.location_source || !before.location_at
      ? null
      : {
          point: { lon: before.lon, lat: before.lat },
          accuracyM: before.location_accuracy_m,
          source: before.location_source,
          address: before.location_address,
          at: before.location_at.toISOString(),
        };
  const next = {
    lon: body.point.lon,
    lat: body.point.lat,
    accuracyM: body.accuracyM ?? null,
    source: body.source ?? 'network',
    address: body.address ?? null,
  };
  const { rows: set } = await run<{ location_at: Date }>(tx, sql.setCallLocation(tenantId, callId, next));
  const to: CallLocation = {
    point: body.point,
    accuracyM: next.accuracyM,
    source: next.source,
    address: next.address,
    at: set[0]!.location_at.toISOString(),
  };
  await appendEvent(tx, tenantId, {
    type: 'call.location_updated',
    actor: actorOf(principal),
    callId,
    payload: { from, to },
  });
  return loadCall(tx, principal, callId);
}
