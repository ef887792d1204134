import type { Queryable } from '../db/index.js';
import {
  checkGeometry,
  count,
  emptySummary,
  type ImportSummary,
  perFeature,
  Rejected,
  reject,
  sameAreaName,
  text,
} from './common.js';
import type { ImportFeature } from './read.js';

export interface AreaImportOptions {
  /** Repair invalid polygons with ST_MakeValid (default) instead of rejecting them. */
  repair?: boolean;
}

interface OfficialArea {
  level: string;
  name: string;
}

/**
 * Imports boundaries (Polygon/MultiPolygon) for the tenant's official areas — its kabupaten,
 * kecamatan and desa, matched by Kemendagri code — and points (Point) for desa without a
 * boundary. Names and codes stay the official ones (idn-area-data): a code the tenant does not
 * have is rejected, as is a name that contradicts the code. Invalid polygons are repaired with
 * ST_MakeValid and reported, or rejected with ST_IsValidReason when they cannot be (or `repair`
 * is off). A geometry equal to the stored one changes nothing, so a re-import is a no-op.
 *
 * @example
 * const summary = await importAreas(tx, '35.15', await readImportFile('kecamatan.geojson'));
 */
export async function importAreas(
  tx: Queryable,
  tenantId: string,
  features: readonly ImportFeature[],
  options: AreaImportOptions = {},
): Promise<ImportSummary> {
  const repair = options.repair ?? true;
  const summary = emptySummary('areas');
  const { rows } = await tx.query<{ code: string; level: string; name: string }>(
    'SELECT code, level, name FROM areas WHERE tenant_id = $1',
    [tenantId],
  );
  const official = new Map<string, OfficialArea>(rows.map((r) => [r.code, r]));
  const seen = new Map<string, number>();
  for (const feature of features) {
    try {
      const outcome = await perFeature(tx, () =>
        importArea(tx, tenantId, feature, official, seen, repair, summary),
      );
      count(summary, outcome);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      reject(summary, feature.index, error.message);
    }
  }
  return summary;
}

async function importArea(
  tx: Queryable,
  tenantId: string,
  feature: ImportFeature,
  official: Map<string, OfficialArea>,
  seen: Map<string, number>,
  repair: boolean,
  summary: ImportSummary,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  const props = feature.properties;
  const code = text(props, 'code', 'kode', 'kode_wilayah', 'kdepum');
  if (!code) throw new Rejected('has no code (a Kemendagri code such as 35.15.13 in properties.code)');
  const area = official.get(code);
  if (!area) {
    throw new Rejected(
      `code ${code} is not an official area of tenant ${tenantId} (only its own kabupaten, kecamatan and desa)`,
    );
  }
  const level = text(props, 'level', 'tingkat');
  if (level && level.toLowerCase() !== area.level) {
    throw new Rejected(`level ${level} does not match code ${code}, which is a ${area.level}`);
  }
  const name = text(props, 'name', 'nama');
  if (name && !sameAreaName(name, area.name)) {
    throw new Rejected(`name "${name}" does not match the official name "${area.name}" of code ${code}`);
  }
  const earlier = seen.get(code);
  if (earlier !== undefined) throw new Rejected(`code ${code} already appeared in feature ${earlier}`);

  const allowed = area.level === 'desa' ? ['Polygon', 'MultiPolygon', 'Point'] : ['Polygon', 'MultiPolygon'];
  const geojson = checkGeometry(feature.geometry, allowed);
  if ((feature.geometry as { type: string }).type === 'Point') {
    const outcome = await setDesaPoint(tx, tenantId, code, geojson);
    seen.set(code, feature.index);
    return outcome;
  }

  const { rows } = await tx.query<{
    valid: boolean;
    reason: string | null;
    usable: boolean;
    outcome: string;
  }>(
    `WITH src AS (
       SELECT ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) AS g
     ), checked AS (
       SELECT g, ST_IsValid(g) AS valid FROM src
     ), fixed AS (
       SELECT valid, CASE WHEN valid THEN NULL ELSE ST_IsValidReason(g) END AS reason,
              CASE WHEN valid THEN ST_Multi(g)
                   WHEN $4 THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) END AS geom
         FROM checked
     ), usable AS (
       SELECT f.*, f.geom IS NOT NULL AND NOT ST_IsEmpty(f.geom) AND ST_IsValid(f.geom) AS ok FROM fixed f
     ), old AS (
       SELECT boundary FROM areas WHERE tenant_id = $1 AND code = $2
     ), upd AS (
       UPDATE areas a SET boundary = u.geom, point = ST_PointOnSurface(u.geom), updated_at = now()
         FROM usable u
        WHERE a.tenant_id = $1 AND a.code = $2 AND u.ok
          AND ST_AsBinary(a.boundary) IS DISTINCT FROM ST_AsBinary(u.geom)
       RETURNING 1
     )
     SELECT u.valid, u.reason, u.ok AS usable,
            CASE WHEN NOT EXISTS (SELECT 1 FROM upd) THEN 'unchanged'
                 WHEN (SELECT boundary FROM old) IS NULL THEN 'inserted' ELSE 'updated' END AS outcome
       FROM usable u`,
    [tenantId, code, geojson, repair],
  );
  const result = rows[0]!;
  if (!result.usable) {
    throw new Rejected(
      repair
        ? `invalid polygon that ST_MakeValid cannot repair into a polygon: ${result.reason}`
        : `invalid polygon: ${result.reason}`,
    );
  }
  if (!result.valid) summary.repaired.push({ index: feature.index, reason: result.reason ?? 'invalid' });
  // Only imported features count as seen: a corrected copy after a rejected one is welcome.
  seen.set(code, feature.index);
  return result.outcome as 'inserted' | 'updated' | 'unchanged';
}

/** A desa known only by a point (no boundary): used by reverse geocoding within ~2 km. */
async function setDesaPoint(
  tx: Queryable,
  tenantId: string,
  code: string,
  geojson: string,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  const { rows } = await tx.query<{ had_point: boolean }>(
    `WITH old AS (SELECT point IS NOT NULL AS had_point FROM areas WHERE tenant_id = $1 AND code = $2)
     UPDATE areas a SET point = ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), updated_at = now()
       FROM old
      WHERE a.tenant_id = $1 AND a.code = $2
        AND ST_AsBinary(a.point) IS DISTINCT FROM ST_AsBinary(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))
     RETURNING old.had_point`,
    [tenantId, code, geojson],
  );
  if (rows.length === 0) return 'unchanged';
  return rows[0]!.had_point ? 'updated' : 'inserted';
}
