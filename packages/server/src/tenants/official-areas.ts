import { getDistricts, getRegencies, getVillages } from 'idn-area-data';
import type { Queryable } from '../db/index.js';

/** A regency or city as listed by Kemendagri (through the `idn-area-data` package). */
export interface OfficialRegency {
  code: string;
  name: string;
}

/** Looks up a kabupaten/kota by its Kemendagri code (`35.15`); `null` when there is none. */
export async function findOfficialRegency(code: string): Promise<OfficialRegency | null> {
  const regencies = await getRegencies();
  const found = regencies.find((r) => r.code === code);
  return found ? { code: found.code, name: found.name } : null;
}

/**
 * Loads the official names and codes of a tenant's kecamatan and desa (no geometry: the
 * package has none) into `areas`. Re-running it updates names and adds new areas; existing
 * geometry is never touched, so boundaries imported later survive a reload.
 */
export async function loadOfficialAreas(
  db: Queryable,
  tenantId: string,
): Promise<{ kecamatan: number; desa: number }> {
  const regency = await findOfficialRegency(tenantId);
  if (!regency) throw new Error(`unknown Kemendagri regency code ${tenantId}`);
  const districts = (await getDistricts({ transform: true })).filter((d) => d.regencyCode === tenantId);
  const districtCodes = new Set(districts.map((d) => d.code));
  const villages = (await getVillages({ transform: true })).filter((v) => districtCodes.has(v.districtCode));

  const rows = [
    { code: regency.code, level: 'kabupaten', name: regency.name, parent: tenantId.slice(0, 2) },
    ...districts.map((d) => ({ code: d.code, level: 'kecamatan', name: d.name, parent: tenantId })),
    ...villages.map((v) => ({ code: v.code, level: 'desa', name: v.name, parent: v.districtCode })),
  ];
  // One statement for all rows: unnest() keeps it parameterised however many areas there are.
  await db.query(
    `INSERT INTO areas (tenant_id, code, level, name, parent_code)
     SELECT $1, code, level, name, parent
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS a (code, level, name, parent)
     ON CONFLICT (tenant_id, code) DO UPDATE
       SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
           updated_at = now()
       WHERE (areas.name, areas.level, areas.parent_code) IS DISTINCT FROM
             (EXCLUDED.name, EXCLUDED.level, EXCLUDED.parent_code)`,
    [
      tenantId,
      rows.map((r) => r.code),
      rows.map((r) => r.level),
      rows.map((r) => r.name),
      rows.map((r) => r.parent),
    ],
  );
  return { kecamatan: districts.length, desa: villages.length };
}
