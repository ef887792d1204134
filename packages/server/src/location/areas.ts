import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

const run = <R>(tx: Queryable, q: sql.Sql) => tx.query<R>(q.text, q.values);

/** The desa and kecamatan an address named, when the point came from geocoding that address. */
export interface TextMatch {
  desaCode: string | null;
  kecamatanCode: string | null;
}

export interface DerivedAreas {
  desaCode: string | null;
  kecamatanCode: string | null;
  /** The desa is the nearest desa point within the radius, not a boundary or an address match. */
  desaApproximate: boolean;
  outsideJurisdiction: boolean;
  /** For points outside the tenant: the regency they are in, when its boundary is known. */
  jurisdictionCode: string | null;
}

/**
 * The desa and kecamatan of a located incident, from the best evidence there is:
 *
 * 1. the tenant's boundaries (a point inside a kecamatan or desa polygon);
 * 2. otherwise the address the point was geocoded from ("Ds. Sukorejo Kec. Buduran") — kept only
 *    when it agrees with the kecamatan boundary, if there is one;
 * 3. otherwise the nearest desa point within `desaPointRadiusM` (in the kecamatan found, inside
 *    the tenant), flagged `desaApproximate`.
 *
 * Points outside the tenant are accepted (the caller may be across the border): they get no
 * codes of this tenant, `outsideJurisdiction` and the regency they are in, when known.
 */
export async function deriveAreas(
  tx: Queryable,
  tenantId: string,
  point: { lon: number; lat: number },
  text: TextMatch | null,
  desaPointRadiusM: number,
): Promise<DerivedAreas> {
  const { rows } = await run<sql.AreasAtRow>(tx, sql.areasAt(tenantId, point.lon, point.lat));
  const at = rows[0]!;
  // Outside is judged on the widest boundary the tenant has: its kabupaten, else its kecamatan.
  const outside = at.has_kab ? at.kab_code === null : at.has_kec ? at.kec_code === null : false;
  if (outside) {
    const { rows: regency } = await run<{ code: string | null }>(tx, sql.regencyAt(point.lon, point.lat));
    return {
      desaCode: null,
      kecamatanCode: null,
      desaApproximate: false,
      outsideJurisdiction: true,
      jurisdictionCode: regency[0]?.code ?? null,
    };
  }
  const textAgrees = text !== null && (at.kec_code === null || text.kecamatanCode === at.kec_code);
  const near = at.near_code !== null && at.near_m !== null && at.near_m <= desaPointRadiusM ? at : null;

  let kecamatanCode = at.kec_code ?? (textAgrees ? text.kecamatanCode : null) ?? near?.near_kec_code ?? null;
  let desaCode = at.desa_code;
  let desaApproximate = false;
  if (!desaCode && textAgrees && text.desaCode) desaCode = text.desaCode;
  if (!desaCode && near && (kecamatanCode === null || near.near_kec_code === kecamatanCode)) {
    desaCode = near.near_code;
    desaApproximate = true;
    kecamatanCode ??= near.near_kec_code;
  }
  return {
    desaCode,
    kecamatanCode,
    desaApproximate,
    outsideJurisdiction: false,
    jurisdictionCode: null,
  };
}
