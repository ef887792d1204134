import { distance } from '@turf/turf';
import { copyDemoTenant, loadUnits } from './lib/dataset.js';
import { pointAt } from './lib/payloads.js';
import type { Plan } from './lib/plan.js';
import { ms, type Row, ratioText, verdict } from './lib/report.js';
import { type Db, recommendUnits, straightLine, withTenant } from './lib/server-internals.js';
import type { Backend } from './lib/sigap.js';
import { summarize } from './lib/stats.js';

const CATEGORY = 'fire';
const AGENCY_TYPE = 'DAMKAR';
/** What the recommendation asks of the database: 3 candidates, over-fetched 3x for ETA re-ranking. */
const K = 9;
const NO_INCIDENT = '00000000-0000-4000-8000-000000000000';

/**
 * Nearest unit: the server's recommendation for a fire (its own code: category look-up, KNN on
 * the units' GiST index filtered by agency type, status and service area, ETA estimate), in a
 * tenant transaction with row-level security, as a request runs it, for fleets of 1k, 10k and
 * 100k units. Baselines: the bare KNN statement through the same connection, and a JavaScript
 * brute force over every unit with @turf/turf's distance. Runs in the bench process on the
 * backend's own database (before the server starts, the embedded one cannot be shared).
 */
export async function nearestUnit(db: Db, backend: Backend, plan: Plan): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [index, size] of plan.unitSizes.entries()) {
    const tenantId = `98.${String(index + 1).padStart(2, '0')}`;
    await copyDemoTenant(db, tenantId, `Bench fleet of ${size}`, `BN${'ABCDEFGH'[index]}`);
    await loadUnits(db, tenantId, size);
    const points = Array.from({ length: plan.knnQueries }, (_, i) => pointAt(500_000 + i));

    const bare = await timeEach(points, (p) =>
      db.query(
        `SELECT id FROM units WHERE tenant_id = $1
          ORDER BY location <-> ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography LIMIT ${K}`,
        [tenantId, p.lon, p.lat],
      ),
    );
    const recommendation = await timeEach(points, (p) =>
      withTenant(db, tenantId, (tx) =>
        recommendUnits(tx, tenantId, { id: NO_INCIDENT, category: CATEGORY, point: p }, straightLine),
      ),
    );
    const fleet = await loadFleet(db, tenantId);
    const bf = summarize(bruteForce(fleet, points.slice(0, plan.bruteQueries), false));
    const bfEligible = summarize(bruteForce(fleet, points.slice(0, plan.bruteQueries), true));
    const rec = summarize(recommendation);
    const knn = summarize(bare);
    const isTarget = size === 100_000;
    rows.push({
      backend,
      what: `nearest unit: recommendation, ${size.toLocaleString('en')} units`,
      value: `p50 ${ms(rec.p50)} / p99 ${ms(rec.p99)}`,
      baseline: `bare KNN p50 ${ms(knn.p50)} / p99 ${ms(knn.p99)}`,
      ratio: null,
      target: isTarget ? 'p99 ≤ 5 ms' : '—',
      verdict: isTarget ? verdict(rec.p99 <= 5) : '—',
      note: `${ratioText(rec.p50 / knn.p50)} the bare KNN's median (a transaction with RLS, category look-up, ETA)`,
      raw: { recommendation: rec, bareKnn: knn },
    });
    const speedup = bf.p50 / rec.p50;
    rows.push({
      backend,
      what: `nearest unit vs brute force, ${size.toLocaleString('en')} units`,
      value: `recommendation p50 ${ms(rec.p50)}`,
      baseline: `@turf/turf brute force p50 ${ms(bf.p50)}`,
      ratio: speedup,
      target: isTarget ? '≥ 100x' : '—',
      verdict: isTarget ? verdict(speedup >= 100) : '—',
      note:
        `ratio = brute force ÷ recommendation (medians of ${bf.n}); a brute force that skips other types ` +
        `and busy units before measuring takes p50 ${ms(bfEligible.p50)}`,
      raw: { bruteForce: bf, bruteForceEligibleOnly: bfEligible },
    });
  }
  return rows;
}

async function timeEach<T>(
  points: { lon: number; lat: number }[],
  fn: (p: { lon: number; lat: number }) => Promise<T>,
) {
  for (const p of points.slice(0, 20)) await fn(p); // warm-up: plans, caches, JIT
  const out: number[] = [];
  for (const p of points) {
    const t = performance.now();
    await fn(p);
    out.push(performance.now() - t);
  }
  return out;
}

interface Fleet {
  coords: number[][];
  eligible: boolean[];
}

/** Every unit of the tenant, loaded once and not timed (as if the server kept them in memory). */
async function loadFleet(db: Db, tenantId: string): Promise<Fleet> {
  const { rows } = await db.query<{ lon: number; lat: number; type: string; status: string }>(
    `SELECT ST_X(u.location::geometry) AS lon, ST_Y(u.location::geometry) AS lat, g.type, u.status
       FROM units u JOIN agencies g ON g.id = u.agency_id WHERE u.tenant_id = $1`,
    [tenantId],
  );
  return {
    coords: rows.map((r) => [r.lon, r.lat]),
    eligible: rows.map((r) => r.type === AGENCY_TYPE && r.status === 'available'),
  };
}

/**
 * The brute force: @turf/turf's distance from the point to every unit (`skipIneligible`: only
 * to units of the right type and status), keeping the K nearest eligible ones by insertion into
 * a small sorted list rather than sorting everything.
 */
function bruteForce(fleet: Fleet, points: { lon: number; lat: number }[], skipIneligible: boolean): number[] {
  const { coords, eligible } = fleet;
  const out: number[] = [];
  for (const p of points) {
    const t = performance.now();
    const here = [p.lon, p.lat];
    const best: number[] = [];
    for (let i = 0; i < coords.length; i++) {
      if (skipIneligible && !eligible[i]) continue;
      const d = distance(here, coords[i]!, { units: 'meters' });
      if (!eligible[i] || (best.length === K && d >= best[K - 1]!)) continue;
      let j = best.length < K ? best.length : K - 1;
      while (j > 0 && best[j - 1]! > d) {
        best[j] = best[j - 1]!;
        j--;
      }
      best[j] = d;
    }
    out.push(performance.now() - t);
  }
  return out;
}
