import { createHash } from 'node:crypto';
import { createTenant, type Db, type Queryable } from './server-internals.js';

/**
 * The bench's data set, generated in SQL with generate_series and loaded as the database owner.
 * Deterministic: every "random" value is a hash of the row number and a salt (md5), not
 * random(), so the same sizes give the same rows on both backends and in every run, whatever
 * order PostgreSQL evaluates rows in. Times fall in a fixed year (2025-11-01 to 2026-11-01 WIB).
 */

/** A deterministic number in [0, 1) from a row number expression and a salt. */
const h = (expr: string, salt: string) =>
  `(('x' || substr(md5('${salt}:' || (${expr})::text), 1, 8))::bit(32)::bigint / 4294967296.0::float8)`;

export const YEAR = { from: '2025-11-01', to: '2026-11-01' };
/** Where the demo regency is: the box that bounds Kabupaten Sidoarjo's outline. */
const BOX = { minLon: 112.46, minLat: -7.56, lonSpan: 0.39, latSpan: 0.22 };

/**
 * A tenant shaped like the demo (its areas, agencies and the default categories), for data
 * that must not disturb the demo tenant: the unit fleets of the nearest-unit benchmark and the
 * year of incidents of the reports benchmark.
 */
export async function copyDemoTenant(
  db: Db,
  id: string,
  name: string,
  prefix: string,
  options: { units?: boolean } = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    await createTenant(tx, { id, name, timeZone: 'Asia/Jakarta', numberPrefix: prefix });
    await tx.query(
      `INSERT INTO areas (tenant_id, code, level, name, parent_code, boundary, point)
       SELECT $1, code, level, name, parent_code, boundary, point FROM areas WHERE tenant_id = '35.15'`,
      [id],
    );
    await tx.query(
      `INSERT INTO agencies (tenant_id, code, type, kind, name)
       SELECT $1, code, type, kind, name FROM agencies WHERE tenant_id = '35.15'`,
      [id],
    );
    if (options.units) {
      await tx.query(
        `INSERT INTO units (tenant_id, agency_id, code, name, kind, location, service_area)
         SELECT $1, mine.id, u.code, u.name, u.kind, u.location, u.service_area
           FROM units u JOIN agencies theirs ON theirs.id = u.agency_id
           JOIN agencies mine ON mine.tenant_id = $1 AND mine.code = theirs.code
          WHERE u.tenant_id = '35.15'`,
        [id],
      );
    }
  });
}

/**
 * `count` units spread uniformly over the regency's box, round-robin over the tenant's agency
 * types; 85% available, 15% busy. No service areas (the demo's few Polsek areas are not the
 * point here).
 */
export async function loadUnits(db: Db, tenantId: string, count: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO units (tenant_id, agency_id, code, name, kind, location, status, expected_free_at)
       SELECT $1, ag.id, 'BU-' || g, 'Bench unit ' || g, 'field_team',
              ST_SetSRID(ST_MakePoint(${BOX.minLon} + ${BOX.lonSpan} * ${h('g', 'ulon')},
                                      ${BOX.minLat} + ${BOX.latSpan} * ${h('g', 'ulat')}), 4326)::geography,
              CASE WHEN ${h('g', 'ust')} < 0.85 THEN 'available' ELSE 'busy' END,
              CASE WHEN ${h('g', 'ust')} < 0.85 THEN NULL
                   ELSE timestamptz '2030-01-01 00:00Z' + ${h('g', 'ufree')} * interval '2 hours' END
         FROM generate_series(1, $2::int) g
         JOIN (SELECT id, (row_number() OVER (ORDER BY code))::int - 1 AS k, (count(*) OVER ())::int AS n
                 FROM agencies WHERE tenant_id = $1) ag ON ag.k = g % ag.n`,
      [tenantId, count],
    );
  });
  await db.exec('ANALYZE units');
}

/**
 * `count` past incidents spread evenly over the fixed year, as a regency's call centre would
 * have them: each with its phone call, one nuisance call beside it (prank, silent, misdial or
 * information), two events (created, then closed/cancelled/rejected), and for the closed ones
 * (92%) a resolved assignment to the category's first responsible agency with realistic
 * acknowledge / on-scene / resolve times. All are finished, so none appears in a live snapshot.
 */
export async function loadHistory(db: Db, tenantId: string, prefix: string, count: number): Promise<void> {
  if (count <= 0) return;
  await db.transaction(async (tx) => {
    const lookups = await historyLookups(tx, tenantId);
    const { rows } = await tx.query<{ base: number }>(
      `INSERT INTO tenant_counters (tenant_id, name, value) VALUES ($1, 'events', $2)
       ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + $2
       RETURNING value - $2 AS base`,
      [tenantId, 2 * count],
    );
    const base = rows[0]!.base;
    // One row per incident with every derived value, so each table below is one INSERT ... SELECT.
    // Two md5 per row give the eight hashed numbers (each from 8 hex digits); ids are built from
    // the tenant and the row number (cheap, unique, deterministic).
    const seg = (m: string, at: number) =>
      `(('x' || substr(${m}, ${at}, 8))::bit(32)::bigint / 4294967296.0::float8)`;
    const id = (kind: string) =>
      `('${createHash('md5').update(tenantId).digest('hex').slice(0, 8)}-${kind}-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid`;
    await tx.query(
      `CREATE TEMP TABLE bench_history ON COMMIT DROP AS
       SELECT r.*,
              CASE WHEN r.st < 0.92 THEN 'closed' WHEN r.st < 0.97 THEN 'cancelled' ELSE 'rejected' END AS status,
              r.created_at + (60 + r.d * 240) * interval '1 second' AS dispatched_at,
              r.created_at + (80 + r.d * 240 + r.x * 160) * interval '1 second' AS acknowledged_at,
              r.created_at + (80 + r.d * 240 + r.x * 160) * interval '1 second'
                + (5 + r.y * 20) * interval '1 minute' AS on_scene_at,
              CASE WHEN r.st < 0.92 THEN r.created_at + (80 + r.d * 240 + r.x * 160) * interval '1 second'
                + (15 + r.y * 20 + r.n * 100) * interval '1 minute' END AS resolved_at
         FROM (SELECT i, ${id('a001')} AS id,
                      ${id('a002')} AS call_id,
                      ${id('a003')} AS nuisance_id,
                      ${id('a004')} AS assignment_id,
                      1 + floor(${seg('m2', 1)} * $3)::int AS c,
                      1 + floor(${seg('m2', 9)} * $4)::int AS k,
                      timestamptz '${YEAR.from} 00:00+07' + ((i - 1 + ${seg('m2', 17)}) / $2) * interval '365 days'
                        AS created_at,
                      ${seg('m1', 1)} AS st, ${seg('m1', 9)} AS x, ${seg('m1', 17)} AS y, ${seg('m1', 25)} AS d,
                      ${seg('m2', 25)} AS n
                 FROM (SELECT g AS i, md5($1 || ':a:' || g) AS m1, md5($1 || ':b:' || g) AS m2
                         FROM generate_series(1, $2::int) g) s) r`,
      [tenantId, count, lookups.categories.length, lookups.kecamatan.length],
    );
    // The call that reported it, and a nuisance call (most calls to 112 are not emergencies).
    await tx.query(
      `INSERT INTO calls (tenant_id, id, channel, caller_number, caller_e164, caller_valid, started_at, ended_at,
                          outcome, incident_id)
       SELECT $1, call_id, 'phone', '08' || lpad(floor(d * 1e10)::bigint::text, 10, '0'),
              '+628' || lpad(floor(d * 1e10)::bigint::text, 10, '0'), true,
              created_at - interval '2 minutes', created_at + interval '1 minute', 'incident', id
         FROM bench_history
       UNION ALL
       SELECT $1, nuisance_id, CASE WHEN x < 0.9 THEN 'phone' ELSE 'sms' END,
              '08' || lpad(floor(n * 1e10)::bigint::text, 10, '0'),
              '+628' || lpad(floor(n * 1e10)::bigint::text, 10, '0'), true,
              created_at + interval '17 minutes', created_at + interval '18 minutes',
              CASE WHEN y < 0.4 THEN 'prank' WHEN y < 0.7 THEN 'silent' WHEN y < 0.9 THEN 'misdial' ELSE 'info' END,
              NULL
         FROM bench_history`,
      [tenantId],
    );
    await tx.query(
      `INSERT INTO incidents (tenant_id, id, number, status, category, priority, description, location,
                              location_source, kecamatan_code, reporter_phone, call_id, created_at, updated_at,
                              resolved_at, last_seq)
       SELECT $1, id, $2 || '-H' || lpad(i::text, 7, '0'), status, ($3::text[])[c], ($4::text[])[c],
              'Laporan ' || ($3::text[])[c] || ' (bench history)',
              ST_SetSRID(ST_MakePoint(($6::float8[])[k] + (x - 0.5) * 0.03, ($7::float8[])[k] + (y - 0.5) * 0.03),
                         4326)::geography,
              'device_gps', ($5::text[])[k], '+628' || lpad(floor(d * 1e10)::bigint::text, 10, '0'), call_id,
              created_at, coalesce(resolved_at, created_at + interval '10 minutes'), resolved_at, $8 + 2 * i
         FROM bench_history`,
      [
        tenantId,
        prefix,
        lookups.categories.map((c) => c.code),
        lookups.categories.map((c) => c.priority),
        lookups.kecamatan.map((k) => k.code),
        lookups.kecamatan.map((k) => k.lon),
        lookups.kecamatan.map((k) => k.lat),
        base,
      ],
    );
    await tx.query(
      `INSERT INTO assignments (tenant_id, id, incident_id, agency_id, status, ack_due_at, on_scene_due_at,
                                dispatched_at, acknowledged_at, en_route_at, on_scene_at, resolved_at, updated_at)
       SELECT $1, assignment_id, id, ($2::uuid[])[c], 'resolved',
              dispatched_at + interval '2 minutes', dispatched_at + interval '15 minutes',
              dispatched_at, acknowledged_at, acknowledged_at + interval '30 seconds', on_scene_at,
              resolved_at, resolved_at
         FROM bench_history WHERE status = 'closed' AND ($2::uuid[])[c] IS NOT NULL`,
      [tenantId, lookups.categories.map((c) => c.agencyId)],
    );
    await tx.query(
      `INSERT INTO events (tenant_id, seq, type, incident_id, actor, at, payload)
       SELECT $1, $2 + 2 * i - 1, 'incident.created', id, '{"keyId":null,"role":"system","name":"bench"}'::jsonb,
              created_at, '{}'::jsonb
         FROM bench_history
       UNION ALL
       SELECT $1, $2 + 2 * i, 'incident.status_changed', id, '{"keyId":null,"role":"system","name":"bench"}'::jsonb,
              coalesce(resolved_at, created_at + interval '10 minutes'),
              jsonb_build_object('from', 'verified', 'to', status)
         FROM bench_history`,
      [tenantId, base],
    );
  });
  await db.exec('ANALYZE incidents; ANALYZE calls; ANALYZE assignments; ANALYZE events');
}

async function historyLookups(tx: Queryable, tenantId: string) {
  const { rows: categories } = await tx.query<{ code: string; priority: string; agencyId: string | null }>(
    `SELECT c.code, c.default_priority AS priority,
            (SELECT g.id FROM agencies g WHERE g.tenant_id = c.tenant_id AND g.type = c.responsible->0->>0
              ORDER BY g.code LIMIT 1) AS "agencyId"
       FROM categories c WHERE c.tenant_id = $1 ORDER BY c.code`,
    [tenantId],
  );
  const { rows: kecamatan } = await tx.query<{ code: string; lon: number; lat: number }>(
    `SELECT code, ST_X(point) AS lon, ST_Y(point) AS lat FROM areas
      WHERE tenant_id = $1 AND level = 'kecamatan' AND point IS NOT NULL ORDER BY code`,
    [tenantId],
  );
  if (categories.length === 0 || kecamatan.length === 0)
    throw new Error(`tenant ${tenantId} has no categories or no kecamatan points`);
  return { categories, kecamatan };
}
