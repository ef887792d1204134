import type { GeocodeCandidate, GeocodeResponse, PlaceKind, ReverseGeocodeResponse } from '@sigap/contract';
import type { Db, Queryable } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { normaliseAddress, normalisedText, phrasesOf } from './normalise.js';
import type { ExternalGeocoder, ExternalResult } from './providers/index.js';
import * as sql from './sql.js';

const run = <R>(tx: Queryable, q: sql.Sql) => tx.query<R>(q.text, q.values);

interface GazetteerRow {
  level: 'place' | 'desa' | 'kecamatan';
  score: number;
  ties: number;
  kecamatan_code: string | null;
  desa_code: string | null;
  kecamatan_name: string | null;
  desa_name: string | null;
  place_name: string | null;
  place_kind: PlaceKind | null;
  lon: number | null;
  lat: number | null;
}

interface AreasRow {
  has_kab: boolean;
  has_kec: boolean;
  tenant_name: string | null;
  kab_code: string | null;
  kab_name: string | null;
  kec_code: string | null;
  kec_name: string | null;
  desa_code: string | null;
  desa_name: string | null;
  near_code: string | null;
  near_name: string | null;
  near_kec_code: string | null;
  near_kec_name: string | null;
  near_m: number | null;
}

/** A score this high (an exact desa name with its kecamatan named too) is full confidence. */
const FULL_CONFIDENCE_SCORE = 1.2;
/** External results rank by their provider's order, below an exact gazetteer match with its kecamatan. */
const EXTERNAL_TOP_CONFIDENCE = 0.75;

/**
 * Forward geocoding: the gazetteer (kecamatan and desa names, imported places) always; the
 * external geocoder too when one is configured, merged by confidence. No database transaction
 * stays open while the external geocoder is waited for.
 *
 * @example
 * await forwardGeocode(db, '35.15', 'Ds. Geluran Kec Taman depan masjid', 5, external);
 * // → { candidates: [{ label: 'Geluran, Kec. Taman', areaCodes: { desa: '35.15.13.1015', ... } }], ... }
 */
export async function forwardGeocode(
  db: Db,
  tenantId: string,
  query: string,
  limit: number,
  external: ExternalGeocoder,
): Promise<GeocodeResponse & { externalError?: string }> {
  const address = normaliseAddress(query);
  const normalized = normalisedText(address);
  const phrases = phrasesOf(address.tokens);
  const { rows, bbox } = await withTenant(db, tenantId, async (tx) => {
    let found: GazetteerRow[] = [];
    if (phrases.length > 0) {
      await run(tx, sql.trigramThresholds());
      found = (await run<GazetteerRow>(tx, sql.gazetteerSearch(tenantId, phrases, limit))).rows;
    }
    const box =
      external.name === 'none' || !normalized
        ? undefined
        : (
            await run<{ min_lon: number; min_lat: number; max_lon: number; max_lat: number }>(
              tx,
              sql.tenantBbox(tenantId),
            )
          ).rows[0];
    return { rows: found, bbox: box };
  });
  const candidates = rows.map((row) => gazetteerCandidate(tenantId, row));

  // Without a known extent the external results could not be kept inside the tenant: not asked.
  let externalStatus: GeocodeResponse['external'] = 'off';
  let externalError: string | undefined;
  if (bbox) {
    const answer = await external.search(tenantId, normalized, limit, {
      minLon: bbox.min_lon,
      minLat: bbox.min_lat,
      maxLon: bbox.max_lon,
      maxLat: bbox.max_lat,
    });
    externalStatus = answer.status;
    externalError = answer.error;
    if (answer.results.length > 0) {
      candidates.push(...(await externalCandidates(db, tenantId, external, answer.results)));
    }
  }
  // Stable sort: on equal confidence the gazetteer (first in the list) stays ahead.
  candidates.sort((a, b) => b.confidence - a.confidence);
  return {
    query,
    normalized,
    candidates: candidates.slice(0, limit),
    external: externalStatus,
    ...(externalError ? { externalError } : {}),
  };
}

function gazetteerCandidate(tenantId: string, row: GazetteerRow): GeocodeCandidate {
  const kec = row.kecamatan_name ? `Kec. ${row.kecamatan_name}` : null;
  const where = [row.desa_name, kec].filter(Boolean).join(', ');
  const label =
    row.level === 'place' ? (where ? `${row.place_name} (${where})` : `${row.place_name}`) : where;
  const confidence = Math.min(1, Math.max(0, row.score / FULL_CONFIDENCE_SCORE)) / Math.sqrt(row.ties);
  const candidate: GeocodeCandidate = {
    label,
    areaCodes: areaCodes(tenantId, row.desa_code, row.kecamatan_code),
    matched: row.level,
    confidence: Math.round(confidence * 100) / 100,
    source: row.level === 'place' ? 'place' : 'gazetteer',
  };
  if (row.lon !== null && row.lat !== null) candidate.point = { lon: row.lon, lat: row.lat };
  if (row.place_kind) candidate.placeKind = row.place_kind;
  return candidate;
}

function areaCodes(tenantId: string, desa: string | null, kecamatan: string | null) {
  const codes: GeocodeCandidate['areaCodes'] = { kabupaten: tenantId };
  if (kecamatan) codes.kecamatan = kecamatan;
  if (desa) codes.desa = desa;
  return codes;
}

async function externalCandidates(
  db: Db,
  tenantId: string,
  external: ExternalGeocoder,
  results: ExternalResult[],
): Promise<GeocodeCandidate[]> {
  const areas = await withTenant(db, tenantId, (tx) => areasAt(tx, tenantId, results));
  return results.map((result, i) => {
    const at = areas[i]!;
    return {
      label: result.label,
      point: { lon: result.lon, lat: result.lat },
      areaCodes: areaCodes(tenantId, at.desa?.code ?? null, at.kecamatan?.code ?? null),
      matched: 'address',
      confidence: Math.round(Math.max(0.4, EXTERNAL_TOP_CONFIDENCE - 0.05 * i) * 100) / 100,
      source: external.name === 'photon' ? 'photon' : 'nominatim',
    } satisfies GeocodeCandidate;
  });
}

/**
 * Reverse geocoding: the desa, kecamatan and kabupaten at a point. The desa is its boundary when
 * imported; otherwise the nearest desa point of the same kecamatan within 2 km, marked approximate.
 *
 * @example
 * await reverseGeocode(tx, '35.15', 112.687, -7.361);
 * // → { desa: { code: '35.15.13.1015', name: 'Geluran', approximate: true, ... }, kecamatan: {...}, ... }
 */
export async function reverseGeocode(
  tx: Queryable,
  tenantId: string,
  lon: number,
  lat: number,
): Promise<ReverseGeocodeResponse> {
  const [at] = await areasAt(tx, tenantId, [{ lon, lat }]);
  return { point: { lon, lat }, ...at! };
}

async function areasAt(
  tx: Queryable,
  tenantId: string,
  points: readonly { lon: number; lat: number }[],
): Promise<Omit<ReverseGeocodeResponse, 'point'>[]> {
  const { rows } = await run<AreasRow>(tx, sql.areasAtPoints(tenantId, points));
  return rows.map((r) => {
    const insideTenant = r.has_kab ? r.kab_code !== null : r.has_kec ? r.kec_code !== null : null;
    let kecamatan = r.kec_code ? { code: r.kec_code, name: r.kec_name! } : null;
    let desa: ReverseGeocodeResponse['desa'] = r.desa_code
      ? { code: r.desa_code, name: r.desa_name!, approximate: false }
      : null;
    if (!desa && r.near_code && r.near_m !== null && r.near_m <= sql.DESA_POINT_RADIUS_M) {
      desa = { code: r.near_code, name: r.near_name!, approximate: true, distanceM: Math.round(r.near_m) };
      // Without kecamatan boundaries the desa point's own kecamatan is the best there is.
      if (!kecamatan && r.near_kec_code) kecamatan = { code: r.near_kec_code, name: r.near_kec_name ?? '' };
    }
    // Inside one of its kecamatan is inside the tenant, even before its own boundary is imported.
    const kabupaten = r.kab_code
      ? { code: r.kab_code, name: r.kab_name! }
      : kecamatan && r.tenant_name
        ? { code: tenantId, name: r.tenant_name }
        : null;
    return { desa, kecamatan, kabupaten, insideTenant };
  });
}
