import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '@sigap/contract';
import type { Db, Queryable } from '../db/index.js';
import { loadDemoPlaces } from '../imports/demo.js';
import { dataDir } from '../paths.js';
import { loadOfficialAreas } from './official-areas.js';
import { type CreatedKey, createApiKey, createTenant } from './provision.js';

export const DEMO_TENANT_ID = '35.15';
const DEMO_DIR = join(dataDir, 'demo/sidoarjo');

interface FeatureCollection<P> {
  features: { properties: P; geometry: { type: string; coordinates: unknown } }[];
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(join(DEMO_DIR, file), 'utf8')) as T;
}

/** Keys created for the demo: one per role, plus agency keys for Damkar and PSC 119. */
const DEMO_KEYS: { name: string; role: Role; agencyCode?: string }[] = [
  { name: 'Demo admin', role: 'admin' },
  { name: 'Demo dispatcher', role: 'dispatcher' },
  { name: 'Demo call taker', role: 'call_taker' },
  { name: 'Demo wall-board', role: 'viewer' },
  { name: 'Demo citizen app', role: 'integrator' },
  { name: 'Demo Damkar admin', role: 'agency', agencyCode: 'DAMKAR-SDA' },
  { name: 'Demo PSC 119 admin', role: 'agency', agencyCode: 'PSC119-SDA' },
];

/**
 * The demo tenant, Kabupaten Sidoarjo, with official areas (idn-area-data), the approximate
 * demo geometry, agencies, units and one API key per role. Created on the first start with
 * `--demo`; later starts find it and change nothing. Returns the keys only when it created them
 * (their secrets exist nowhere else).
 */
export async function ensureDemoTenant(db: Db): Promise<{ created: boolean; keys: CreatedKey[] }> {
  return db.transaction(async (tx) => {
    const created = await createTenant(tx, {
      id: DEMO_TENANT_ID,
      name: 'Kabupaten Sidoarjo',
      timeZone: 'Asia/Jakarta',
      numberPrefix: 'SDA',
    });
    if (!created) return { created: false, keys: [] };
    await loadOfficialAreas(tx, DEMO_TENANT_ID);
    await loadDemoGeometry(tx);
    const agencies = await loadDemoAgencies(tx);
    await loadDemoUnits(tx, agencies);
    // Landmarks, markets, housing estates and streets for the geocoder (data/demo/sidoarjo/places.geojson).
    await loadDemoPlaces(tx, DEMO_TENANT_ID);
    const keys: CreatedKey[] = [];
    for (const k of DEMO_KEYS) {
      const agencyId = k.agencyCode ? (agencies.get(k.agencyCode)?.id ?? null) : null;
      keys.push(await createApiKey(tx, DEMO_TENANT_ID, { name: k.name, role: k.role, agencyId }));
    }
    return { created: true, keys };
  });
}

async function loadDemoGeometry(tx: Queryable): Promise<void> {
  for (const file of ['regency.geojson', 'kecamatan.geojson']) {
    const fc = await readJson<FeatureCollection<{ code: string }>>(file);
    for (const f of fc.features) {
      await tx.query(
        `UPDATE areas SET boundary = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)),
                          point = ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)), updated_at = now()
          WHERE tenant_id = $1 AND code = $2`,
        [DEMO_TENANT_ID, f.properties.code, JSON.stringify(f.geometry)],
      );
    }
  }
  const desa = await readJson<FeatureCollection<{ code: string }>>('desa.geojson');
  for (const f of desa.features) {
    await tx.query(
      `UPDATE areas SET point = ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), updated_at = now()
        WHERE tenant_id = $1 AND code = $2`,
      [DEMO_TENANT_ID, f.properties.code, JSON.stringify(f.geometry)],
    );
  }
}

async function loadDemoAgencies(tx: Queryable): Promise<Map<string, { id: string; type: string }>> {
  const agencies =
    await readJson<{ code: string; type: string; name: string; kind: string }[]>('agencies.json');
  const byCode = new Map<string, { id: string; type: string }>();
  for (const a of agencies) {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO agencies (tenant_id, code, type, kind, name) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [DEMO_TENANT_ID, a.code, a.type, a.kind, a.name],
    );
    byCode.set(a.code, { id: rows[0]!.id, type: a.type });
  }
  return byCode;
}

async function loadDemoUnits(
  tx: Queryable,
  agencies: Map<string, { id: string; type: string }>,
): Promise<void> {
  const agencyByType = new Map([...agencies.values()].map((a) => [a.type, a.id]));
  const units =
    await readJson<
      FeatureCollection<{
        code: string;
        name: string;
        agencyType: string;
        kind: string;
        serviceAreaKecamatan?: string[];
      }>
    >('units.geojson');
  for (const f of units.features) {
    const p = f.properties;
    const agencyId = agencyByType.get(p.agencyType);
    if (!agencyId) throw new Error(`demo unit ${p.code}: no agency of type ${p.agencyType}`);
    await tx.query(
      `INSERT INTO units (tenant_id, agency_id, code, name, kind, location, service_area)
       VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)::geography,
               (SELECT ST_Multi(ST_Union(boundary))::geography FROM areas
                 WHERE tenant_id = $1 AND code = ANY($7::text[]) AND boundary IS NOT NULL))`,
      [
        DEMO_TENANT_ID,
        agencyId,
        p.code,
        p.name,
        p.kind,
        JSON.stringify(f.geometry),
        p.serviceAreaKecamatan ?? [],
      ],
    );
  }
}
