import type { CreateIncidentBody, LocationResolution, LocationSource } from '@sigap/contract';
import type { Db, Queryable } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import type { ExternalGeocoder } from '../geocoding/providers/index.js';
import { forwardGeocode } from '../geocoding/service.js';
import type { TenantSettings } from '../tenants/defaults.js';
import type { TextMatch } from './areas.js';
import * as sql from './sql.js';

const run = <R>(tx: Queryable, q: sql.Sql) => tx.query<R>(q.text, q.values);

/** How many candidates an address-only report keeps (in the response and the trail). */
const CANDIDATES_KEPT = 5;

/** Where an incident is, decided before anything is written. */
export interface ResolvedLocation {
  point: { lon: number; lat: number } | null;
  accuracyM: number | null;
  source: LocationSource | null;
  address: string | null;
  /** The geocoding candidate's confidence, when the point came from one. */
  confidence: number | null;
  /** The desa/kecamatan the address named, when the point was geocoded from it. */
  text: TextMatch | null;
  /** What geocoding did (null when a point was given). */
  resolution: LocationResolution | null;
}

type LocationInput = CreateIncidentBody['location'];

/**
 * Resolves where a report is, BEFORE the transaction that writes it: a point sent is taken as
 * is; else the point its call carries; else its address is geocoded — the gazetteer, then the
 * external geocoder within its timeout (no transaction stays open while it is waited for). The
 * best candidate becomes the point when its confidence reaches the tenant's
 * `geocodeConfidenceThreshold`; otherwise there is no point and the incident needs review.
 * Never invents a point: an address that matches nothing stays an address.
 *
 * @example
 * await resolveLocation(db, external, '35.15', { address: 'desa sukorejo rt 02 rw 04 kec. buduran' }, undefined, settings);
 * // → { point: {...}, source: 'area_centroid', text: { desaCode: '35.15.15.2014', kecamatanCode: '35.15.15' }, ... }
 */
export async function resolveLocation(
  db: Db,
  external: ExternalGeocoder,
  tenantId: string,
  input: LocationInput,
  callId: string | undefined,
  settings: Pick<TenantSettings, 'geocodeConfidenceThreshold'>,
): Promise<ResolvedLocation> {
  const given: ResolvedLocation = {
    point: input.point ?? null,
    accuracyM: input.accuracyM ?? null,
    source: input.source ?? null,
    address: input.address ?? null,
    confidence: null,
    text: null,
    resolution: null,
  };
  if (input.point) return given;
  if (callId) {
    const fromCall = await withTenant(db, tenantId, (tx) => callLocationOf(tx, tenantId, callId));
    if (fromCall) {
      return {
        ...fromCall,
        address: input.address ?? fromCall.address,
        resolution: {
          outcome: 'from_call',
          query: null,
          confidence: null,
          threshold: settings.geocodeConfidenceThreshold,
          pointFrom: null,
          candidates: [],
          external: 'off',
        },
      };
    }
  }
  if (!input.address) return given;
  return { ...given, ...(await geocodeAddress(db, external, tenantId, input.address, settings)) };
}

/** The location a call carries, as an incident location; null when it has none (or no such call). */
export async function callLocationOf(
  tx: Queryable,
  tenantId: string,
  callId: string,
): Promise<Omit<ResolvedLocation, 'resolution'> | null> {
  const { rows } = await run<sql.CallLocationRow>(tx, sql.callLocation(tenantId, callId));
  const row = rows[0];
  if (!row || row.lon === null || row.lat === null || !row.location_source) return null;
  return {
    point: { lon: row.lon, lat: row.lat },
    accuracyM: row.location_accuracy_m,
    source: row.location_source,
    address: row.location_address,
    confidence: null,
    text: null,
  };
}

/** An address → the best candidate's point (or none), with the candidates and what happened. */
export async function geocodeAddress(
  db: Db,
  external: ExternalGeocoder,
  tenantId: string,
  address: string,
  settings: Pick<TenantSettings, 'geocodeConfidenceThreshold'>,
): Promise<Pick<ResolvedLocation, 'point' | 'accuracyM' | 'source' | 'confidence' | 'text' | 'resolution'>> {
  const { externalError: _ignored, ...found } = await forwardGeocode(
    db,
    tenantId,
    address,
    CANDIDATES_KEPT,
    external,
  );
  const threshold = settings.geocodeConfidenceThreshold;
  const best = found.candidates[0];
  const resolution: LocationResolution = {
    outcome: 'needs_review',
    query: address,
    confidence: best?.confidence ?? null,
    threshold,
    pointFrom: null,
    candidates: found.candidates,
    external: found.external,
  };
  const unplaced = { point: null, accuracyM: null, source: null, confidence: null, text: null, resolution };
  if (!best || best.confidence < threshold) return unplaced;

  const text: TextMatch = {
    desaCode: best.areaCodes.desa ?? null,
    kecamatanCode: best.areaCodes.kecamatan ?? null,
  };
  if (best.point) {
    return {
      point: best.point,
      accuracyM: null,
      source: 'geocoded',
      confidence: best.confidence,
      text,
      resolution: { ...resolution, outcome: 'geocoded', pointFrom: 'candidate' },
    };
  }
  // A desa known by name only (most desa have no point in the gazetteer): its kecamatan's
  // representative point, said so by the source and an accuracy of the kecamatan's radius.
  if (!text.kecamatanCode) return unplaced;
  const kecamatanCode = text.kecamatanCode;
  const { rows } = await withTenant(db, tenantId, (tx) =>
    run<{ lon: number; lat: number; radius_m: number | null }>(
      tx,
      sql.kecamatanPoint(tenantId, kecamatanCode),
    ),
  );
  const area = rows[0];
  if (!area) return unplaced;
  return {
    point: { lon: area.lon, lat: area.lat },
    accuracyM: area.radius_m === null ? null : Math.round(area.radius_m),
    source: 'area_centroid',
    confidence: best.confidence,
    text,
    resolution: { ...resolution, outcome: 'geocoded', pointFrom: 'kecamatan' },
  };
}
