import { PLACE_KINDS, type PlaceKind } from '@sigap/contract';
import type { Queryable } from '../db/index.js';
import { placeSearchKey } from '../geocoding/normalise.js';
import { reverseGeocode } from '../geocoding/service.js';
import {
  checkGeometry,
  count,
  emptySummary,
  type ImportSummary,
  list,
  perFeature,
  Rejected,
  reject,
  text,
} from './common.js';
import type { ImportFeature } from './read.js';

export interface PlaceImportOptions {
  /** Who supplied the file ('osm', 'dinas-pu-2026'...): stored with each place, part of its identity. */
  source: string;
}

interface AreaRow {
  level: string;
  parent_code: string | null;
}

/**
 * Imports places — landmarks, markets, mosques, schools, housing estates, streets — into the
 * gazetteer. Each is found again by its source id (`id`) or, without one, by kind and folded
 * name, and rewritten only when something differs: a re-import changes nothing. Desa and
 * kecamatan codes come from the file (checked against the official areas) or, when absent,
 * from the tenant's boundaries at the place's point.
 *
 * Properties: `name` (required), `kind` (one of PLACE_KINDS), `id`, `aliases` (list, or text
 * separated by ';' or '|'), `desa_code`/`desaCode`, `kecamatan_code`/`kecamatanCode`.
 * Geometry: Point, or LineString/MultiLineString for streets.
 *
 * @example
 * await importPlaces(tx, '35.15', await readImportFile('places.geojson'), { source: 'dinas-pu' });
 */
export async function importPlaces(
  tx: Queryable,
  tenantId: string,
  features: readonly ImportFeature[],
  options: PlaceImportOptions,
): Promise<ImportSummary> {
  const summary = emptySummary('places');
  const { rows } = await tx.query<AreaRow & { code: string }>(
    `SELECT code, level, parent_code FROM areas WHERE tenant_id = $1 AND level IN ('kecamatan', 'desa')`,
    [tenantId],
  );
  const areas = new Map<string, AreaRow>(rows.map((r) => [r.code, r]));
  const seen = new Map<string, number>();
  for (const feature of features) {
    try {
      const outcome = await perFeature(tx, () => importPlace(tx, tenantId, feature, areas, seen, options));
      count(summary, outcome);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      reject(summary, feature.index, error.message);
    }
  }
  return summary;
}

async function importPlace(
  tx: Queryable,
  tenantId: string,
  feature: ImportFeature,
  areas: Map<string, AreaRow>,
  seen: Map<string, number>,
  options: PlaceImportOptions,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  const props = feature.properties;
  const name = text(props, 'name', 'nama');
  if (!name) throw new Rejected('has no name');
  if (name.length > 200) throw new Rejected('name is longer than 200 characters');
  const kind = (text(props, 'kind', 'jenis') ?? '').toLowerCase() as PlaceKind;
  if (!PLACE_KINDS.includes(kind)) {
    throw new Rejected(
      `kind "${text(props, 'kind', 'jenis') ?? ''}" is not one of ${PLACE_KINDS.join(', ')}`,
    );
  }
  const sourceId = text(props, 'id', 'source_id', 'sourceId');
  const aliases = [...new Set(list(props, 'aliases', 'alias'))].filter((a) => a !== name).slice(0, 20);
  if (aliases.some((a) => a.length > 200)) throw new Rejected('an alias is longer than 200 characters');
  const identity = sourceId ? `id ${sourceId}` : `${kind} "${name.toLowerCase()}"`;
  const earlier = seen.get(identity);
  if (earlier !== undefined) throw new Rejected(`${identity} already appeared in feature ${earlier}`);

  const allowed = kind === 'street' ? ['Point', 'LineString', 'MultiLineString'] : ['Point'];
  const geojson = checkGeometry(feature.geometry, allowed);
  const codes = await placeAreas(tx, tenantId, props, areas, geojson);
  const searchKey = placeSearchKey(name, aliases);
  if (!searchKey) throw new Rejected(`name "${name}" has no word to search by`);

  // One statement per identity rule: ON CONFLICT must name the unique index it resolves against.
  const conflict = sourceId
    ? 'ON CONFLICT (tenant_id, source, source_id) WHERE source_id IS NOT NULL'
    : 'ON CONFLICT (tenant_id, kind, sigap_fold(name)) WHERE source_id IS NULL';
  const { rows } = await tx.query<{ inserted: boolean }>(
    `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($5), 4326) AS g)
     INSERT INTO places AS p (tenant_id, kind, name, aliases, point, line, desa_code, kecamatan_code,
                              source, source_id, search_key)
     SELECT $1, $2, $3, $4::text[],
            CASE WHEN GeometryType(g) = 'POINT' THEN g ELSE ST_ClosestPoint(g, ST_Centroid(g)) END,
            CASE WHEN GeometryType(g) = 'POINT' THEN NULL ELSE ST_Multi(g) END,
            $6, $7, $8, $9, $10
       FROM g
     ${conflict} DO UPDATE
        SET kind = EXCLUDED.kind, name = EXCLUDED.name, aliases = EXCLUDED.aliases, point = EXCLUDED.point,
            line = EXCLUDED.line, desa_code = EXCLUDED.desa_code, kecamatan_code = EXCLUDED.kecamatan_code,
            search_key = EXCLUDED.search_key, updated_at = now()
      WHERE (p.kind, p.name, p.aliases, ST_AsBinary(p.point), ST_AsBinary(p.line), p.desa_code,
             p.kecamatan_code, p.search_key)
            IS DISTINCT FROM
            (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.aliases, ST_AsBinary(EXCLUDED.point), ST_AsBinary(EXCLUDED.line),
             EXCLUDED.desa_code, EXCLUDED.kecamatan_code, EXCLUDED.search_key)
     RETURNING (xmax = 0) AS inserted`,
    [
      tenantId,
      kind,
      name,
      aliases,
      geojson,
      codes.desa,
      codes.kecamatan,
      options.source,
      sourceId,
      searchKey,
    ],
  );
  // Only imported features count as seen: a corrected copy after a rejected one is welcome.
  seen.set(identity, feature.index);
  if (rows.length === 0) return 'unchanged';
  return rows[0]!.inserted ? 'inserted' : 'updated';
}

/** The place's desa and kecamatan: given (and checked), or found from its point. */
async function placeAreas(
  tx: Queryable,
  tenantId: string,
  props: Record<string, unknown>,
  areas: Map<string, AreaRow>,
  geojson: string,
): Promise<{ desa: string | null; kecamatan: string | null }> {
  const desa = text(props, 'desa_code', 'desaCode', 'kode_desa');
  let kecamatan = text(props, 'kecamatan_code', 'kecamatanCode', 'kode_kecamatan');
  if (desa) {
    const area = areas.get(desa);
    if (area?.level !== 'desa')
      throw new Rejected(`unknown desa code ${desa} (not a desa of tenant ${tenantId})`);
    if (kecamatan && area.parent_code !== kecamatan) {
      throw new Rejected(`desa ${desa} is in kecamatan ${area.parent_code}, not ${kecamatan}`);
    }
    kecamatan = area.parent_code;
  }
  if (kecamatan && areas.get(kecamatan)?.level !== 'kecamatan') {
    throw new Rejected(`unknown kecamatan code ${kecamatan} (not a kecamatan of tenant ${tenantId})`);
  }
  if (kecamatan) return { desa, kecamatan };
  // No codes given: the areas at the point (a street's point on the line).
  const { rows } = await tx.query<{ lon: number; lat: number }>(
    `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
       SELECT CASE WHEN GeometryType(g) = 'POINT' THEN g ELSE ST_ClosestPoint(g, ST_Centroid(g)) END AS p
         FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) x) y`,
    [geojson],
  );
  const at = await reverseGeocode(tx, tenantId, rows[0]!.lon, rows[0]!.lat);
  if (at.insideTenant === false) {
    throw new Rejected(
      `point is outside tenant ${tenantId}'s boundary (and no desa or kecamatan code is given)`,
    );
  }
  return { desa: at.desa?.code ?? null, kecamatan: at.kecamatan?.code ?? null };
}
