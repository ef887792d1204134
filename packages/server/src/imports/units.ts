import { appendEvent } from '../audit/events.js';
import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { BUILT_IN_CODES } from '../fleet/defaults.js';
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

export interface UnitImportOptions {
  /**
   * Also move existing units to the file's point. Off by default: a unit's location is where it
   * was last reported, and re-importing the fleet list mid-shift must not teleport ambulances
   * back to their posts. New units always start at the file's point.
   */
  moveUnits?: boolean;
}

/** Imports are changes made by the platform, not by an API key; the trail says so. */
const IMPORT_ACTOR: Actor = { keyId: null, role: 'system', name: 'sigap import' };

const CODE = /^[A-Za-z0-9_.-]{1,60}$/;

/**
 * Imports response units (Point features) by code: `code`, `name`, `kind` (fire_engine,
 * ambulance...), the agency by `agency` (its code) or `agencyType` (when the tenant has one
 * agency of that type), and optionally `serviceAreaKecamatan` (kecamatan codes whose boundaries
 * make the service area). Created and changed units get `admin.unit_created` /
 * `admin.unit_updated` events like units made through the API; unchanged ones get nothing.
 *
 * @example
 * await importUnits(tx, '35.15', await readImportFile('units.geojson'));
 */
export async function importUnits(
  tx: Queryable,
  tenantId: string,
  features: readonly ImportFeature[],
  options: UnitImportOptions = {},
): Promise<ImportSummary> {
  const summary = emptySummary('units');
  const { rows: agencies } = await tx.query<{ id: string; code: string; type: string }>(
    'SELECT id, code, type FROM agencies WHERE tenant_id = $1 AND active',
    [tenantId],
  );
  const { rows: kecamatan } = await tx.query<{ code: string; has_boundary: boolean }>(
    `SELECT code, boundary IS NOT NULL AS has_boundary FROM areas WHERE tenant_id = $1 AND level = 'kecamatan'`,
    [tenantId],
  );
  const { rows: ownTypes } = await tx.query<{ code: string }>(
    'SELECT code FROM unit_types WHERE tenant_id = $1',
    [tenantId],
  );
  const knownTypes = new Set(ownTypes.map((t) => t.code));
  const kecamatanBoundary = new Map(kecamatan.map((k) => [k.code, k.has_boundary]));
  const seen = new Map<string, number>();
  for (const feature of features) {
    try {
      const outcome = await perFeature(tx, async () => {
        const props = feature.properties;
        const code = text(props, 'code', 'kode');
        if (!code) throw new Rejected('has no code');
        if (!CODE.test(code))
          throw new Rejected(`code "${code}" may only hold letters, digits, _ . - (1-60)`);
        const earlier = seen.get(code);
        if (earlier !== undefined) throw new Rejected(`code ${code} already appeared in feature ${earlier}`);
        const name = text(props, 'name', 'nama');
        if (!name || name.length > 200) throw new Rejected('needs a name of 1-200 characters');
        const kind = text(props, 'kind', 'jenis');
        if (!kind || kind.length > 40) throw new Rejected('needs a kind of 1-40 characters (e.g. ambulance)');
        if (!knownTypes.has(kind) && !BUILT_IN_CODES.has(kind)) {
          throw new Rejected(
            `unknown unit type "${kind}": use a built-in type (fire_engine, ambulance_als, boat...) or add it with PUT /v1/admin/unit-types/${kind}`,
          );
        }
        const agencyId = findAgency(props, agencies);
        const serviceArea = list(props, 'serviceAreaKecamatan', 'service_area_kecamatan');
        for (const k of serviceArea) {
          const has = kecamatanBoundary.get(k);
          if (has === undefined) throw new Rejected(`unknown kecamatan code ${k} in serviceAreaKecamatan`);
          if (!has) throw new Rejected(`kecamatan ${k} has no boundary yet: import areas first`);
        }
        const geojson = checkGeometry(feature.geometry, ['Point']);
        const outcome = await upsertUnit(
          tx,
          tenantId,
          { code, name, kind, agencyId, serviceArea, geojson },
          options,
        );
        seen.set(code, feature.index); // only imported features count as seen
        return outcome;
      });
      count(summary, outcome);
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      reject(summary, feature.index, error.message);
    }
  }
  return summary;
}

function findAgency(props: Record<string, unknown>, agencies: { id: string; code: string; type: string }[]) {
  const code = text(props, 'agency', 'agencyCode', 'agency_code');
  if (code) {
    const found = agencies.find((a) => a.code === code);
    if (!found) throw new Rejected(`unknown agency code ${code}`);
    return found.id;
  }
  const type = text(props, 'agencyType', 'agency_type');
  if (!type) throw new Rejected('needs an agency (its code) or an agencyType');
  const ofType = agencies.filter((a) => a.type === type.toUpperCase());
  if (ofType.length === 0) throw new Rejected(`the tenant has no active agency of type ${type}`);
  if (ofType.length > 1) {
    throw new Rejected(`${ofType.length} agencies are of type ${type}: name one by code (agency)`);
  }
  return ofType[0]!.id;
}

interface UnitInput {
  code: string;
  name: string;
  kind: string;
  agencyId: string;
  serviceArea: string[];
  geojson: string;
}

async function upsertUnit(
  tx: Queryable,
  tenantId: string,
  unit: UnitInput,
  options: UnitImportOptions,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  const { rows } = await tx.query<{ id: string; inserted: boolean }>(
    `INSERT INTO units AS u (tenant_id, agency_id, code, name, kind, location, service_area)
     VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)::geography,
             (SELECT ST_Multi(ST_Union(boundary))::geography FROM areas
               WHERE tenant_id = $1 AND level = 'kecamatan' AND code = ANY($7::text[])))
     ON CONFLICT (tenant_id, code) DO UPDATE
        SET agency_id = EXCLUDED.agency_id, name = EXCLUDED.name, kind = EXCLUDED.kind,
            service_area = EXCLUDED.service_area,
            location = CASE WHEN $8 THEN EXCLUDED.location ELSE u.location END, updated_at = now()
      WHERE (u.agency_id, u.name, u.kind, ST_AsBinary(u.service_area)) IS DISTINCT FROM
            (EXCLUDED.agency_id, EXCLUDED.name, EXCLUDED.kind, ST_AsBinary(EXCLUDED.service_area))
         OR ($8 AND ST_AsBinary(u.location) IS DISTINCT FROM ST_AsBinary(EXCLUDED.location))
     RETURNING id, (xmax = 0) AS inserted`,
    [
      tenantId,
      unit.agencyId,
      unit.code,
      unit.name,
      unit.kind,
      unit.geojson,
      unit.serviceArea,
      options.moveUnits ?? false,
    ],
  );
  const row = rows[0];
  if (!row) return 'unchanged';
  const payload = {
    code: unit.code,
    name: unit.name,
    kind: unit.kind,
    agencyId: unit.agencyId,
    serviceAreaKecamatan: unit.serviceArea,
    source: 'import',
  };
  await appendEvent(tx, tenantId, {
    type: row.inserted ? 'admin.unit_created' : 'admin.unit_updated',
    actor: IMPORT_ACTOR,
    unitId: row.id,
    payload,
  });
  return row.inserted ? 'inserted' : 'updated';
}
