import type { Role } from '@sigap/contract';
import { type Anchor, checkAnchors, verifyChains } from '../audit/chain.js';
import type { Db } from '../db/index.js';
import { replayIncident, type TrailEvent } from '../incidents/replay.js';
import { findOfficialRegency, loadOfficialAreas } from '../tenants/official-areas.js';
import { type CreatedKey, createApiKey, createTenant, type NewTenant } from '../tenants/provision.js';

/**
 * Time zone of a province by its Kemendagri code: WIB for Sumatra, Java and West/Central
 * Kalimantan; WITA for Bali, Nusa Tenggara, the rest of Kalimantan and Sulawesi; WIT for Maluku
 * and Papua (UU/Keppres 41/1987 and the provinces created since).
 */
export function timeZoneOfProvince(provinceCode: string): NewTenant['timeZone'] {
  const n = Number(provinceCode);
  if (n >= 81) return 'Asia/Jayapura';
  if (n >= 51 && n <= 53) return 'Asia/Makassar';
  if (n >= 63 && n <= 76) return 'Asia/Makassar';
  return 'Asia/Jakarta';
}

/** `SIDOARJO` → `SDA`-like prefixes are chosen by people; this derives a plain default. */
export function defaultPrefix(name: string): string {
  const word = name.replace(/^(Kabupaten|Kota)\s+/i, '').replace(/[^A-Za-z]/g, '');
  return word.slice(0, 3).toUpperCase().padEnd(3, 'X');
}

export interface CreateTenantResult {
  created: boolean;
  tenant: NewTenant;
  adminKey: CreatedKey | null;
}

/**
 * `sigap tenants create 35.15`: a regency or city by its Kemendagri code, with its official
 * kecamatan and desa, the default categories, and a first admin key (printed once). Running it
 * again for an existing tenant changes nothing and creates no key.
 */
export async function createTenantCommand(
  db: Db,
  code: string,
  options: { prefix?: string; timeZone?: NewTenant['timeZone'] } = {},
): Promise<CreateTenantResult> {
  const regency = await findOfficialRegency(code);
  if (!regency) throw new Error(`${code} is not a Kemendagri regency/city code (like 35.15)`);
  const tenant: NewTenant = {
    id: regency.code,
    name: regency.name,
    timeZone: options.timeZone ?? timeZoneOfProvince(code.slice(0, 2)),
    numberPrefix: options.prefix ?? defaultPrefix(regency.name),
  };
  return db.transaction(async (tx) => {
    const created = await createTenant(tx, tenant);
    if (!created) return { created: false, tenant, adminKey: null };
    await loadOfficialAreas(tx, tenant.id);
    const adminKey = await createApiKey(tx, tenant.id, { name: 'First admin', role: 'admin' satisfies Role });
    return { created: true, tenant, adminKey };
  });
}

export interface TrailMismatch {
  tenantId: string;
  incidentId: string;
  number: string;
  problem: string;
}

/**
 * `sigap verify`: for every incident, rebuild it from its audit trail and compare with the
 * stored row; and check every tenant's event sequence has no gap. An auditor's check that the
 * projection and the trail tell the same story.
 */
export async function verifyTrails(
  db: Db,
  anchors: readonly Anchor[] = [],
): Promise<{ incidents: number; events: number; mismatches: TrailMismatch[] }> {
  const mismatches: TrailMismatch[] = [];
  // The hash chain first: a changed, inserted or deleted event (gaps included), then anchors.
  const { events, breaks } = await verifyChains(db);
  for (const b of [...breaks, ...(await checkAnchors(db, anchors))]) {
    mismatches.push({
      tenantId: b.tenantId,
      incidentId: '-',
      number: '-',
      problem: `trail broken at seq ${b.seq}: ${b.problem}`,
    });
  }
  const { rows: incidents } = await db.query<{
    tenant_id: string;
    id: string;
    number: string;
    status: string;
    priority: string;
    category: string;
    merged_into: string | null;
    assignments: Record<string, string> | null;
    lon: number | null;
    lat: number | null;
    desa_code: string | null;
    kecamatan_code: string | null;
  }>(
    `SELECT i.tenant_id, i.id, i.number, i.status, i.priority, i.category, i.merged_into,
            ST_X(i.location::geometry) AS lon, ST_Y(i.location::geometry) AS lat, i.desa_code, i.kecamatan_code,
            (SELECT json_object_agg(a.id, a.status) FROM assignments a WHERE a.incident_id = i.id) AS assignments
       FROM incidents i ORDER BY i.tenant_id, i.created_at`,
  );
  for (const incident of incidents) {
    const { rows } = await db.query<{
      seq: number;
      type: string;
      assignment_id: string | null;
      payload: Record<string, unknown>;
    }>(
      'SELECT seq, type, assignment_id, payload FROM events WHERE tenant_id = $1 AND incident_id = $2 ORDER BY seq',
      [incident.tenant_id, incident.id],
    );
    const trail: TrailEvent[] = rows.map((r) => ({
      seq: r.seq,
      type: r.type,
      assignmentId: r.assignment_id,
      payload: r.payload,
    }));
    const report = (problem: string) =>
      mismatches.push({
        tenantId: incident.tenant_id,
        incidentId: incident.id,
        number: incident.number,
        problem,
      });
    let replayed: ReturnType<typeof replayIncident>;
    try {
      replayed = replayIncident(trail);
    } catch (error) {
      report(`trail cannot be replayed: ${(error as Error).message}`);
      continue;
    }
    if (replayed.status !== incident.status)
      report(`status ${incident.status}, trail says ${replayed.status}`);
    if (replayed.priority !== incident.priority)
      report(`priority ${incident.priority}, trail says ${replayed.priority}`);
    if (replayed.category !== incident.category)
      report(`category ${incident.category}, trail says ${replayed.category}`);
    if (replayed.mergedInto !== incident.merged_into)
      report(`merged into ${incident.merged_into}, trail says ${replayed.mergedInto}`);
    const stored = incident.assignments ?? {};
    const fromTrail = Object.fromEntries(
      Object.entries(replayed.assignments).map(([id, a]) => [id, a.status]),
    );
    if (JSON.stringify(Object.entries(stored).sort()) !== JSON.stringify(Object.entries(fromTrail).sort())) {
      report(`assignments ${JSON.stringify(stored)}, trail says ${JSON.stringify(fromTrail)}`);
    }
    // The location: point (to 1e-7°, about a centimetre) and area codes.
    const round = (p: { lon: number; lat: number } | null) =>
      p ? `${p.lon.toFixed(7)},${p.lat.toFixed(7)}` : 'none';
    const storedLocation = `${round(incident.lon === null || incident.lat === null ? null : { lon: incident.lon, lat: incident.lat })} ${incident.kecamatan_code} ${incident.desa_code}`;
    const trailLocation = `${round(replayed.location.point)} ${replayed.location.kecamatanCode} ${replayed.location.desaCode}`;
    if (storedLocation !== trailLocation) report(`location ${storedLocation}, trail says ${trailLocation}`);
  }
  return { incidents: incidents.length, events, mismatches };
}
