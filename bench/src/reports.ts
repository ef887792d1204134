import { bearer, type Context } from './lib/context.js';
import { createKey, openPostgres } from './lib/database.js';
import { copyDemoTenant, loadHistory, YEAR } from './lib/dataset.js';
import { ms, notAvailable, type Row, verdict } from './lib/report.js';
import { summarize } from './lib/stats.js';

const ENDPOINTS = ['summary', 'agencies', 'hotspots'] as const;
const TARGET = '≤ 1 s';
const YEAR_TENANT = '98.99';

/**
 * Each report over a whole year of data: the fixed year of the data set (365 days), as an
 * admin. One warm-up request, then `reportRuns` timed ones; the measured value is their median
 * (the worst is in the note). On PostgreSQL in the full run the year is 1M incidents in a tenant
 * of its own (loaded only when a report route exists); otherwise it is the demo tenant's history.
 */
export async function reports(ctx: Context): Promise<Row[]> {
  const path = (e: string) => `/v1/reports/${e}?from=${YEAR.from}&to=${YEAR.to}`;
  const available: string[] = [];
  const rows: Row[] = [];
  for (const e of ENDPOINTS) {
    // Without its query the route answers 400 if it exists; 404 means it is not there (yet).
    const probe = await fetch(`${ctx.server.url}/v1/reports/${e}`, { headers: bearer(ctx.keys.admin) });
    await probe.arrayBuffer();
    if (probe.status === 404)
      rows.push(notAvailable(ctx.backend, what(e, 0), TARGET, `GET /v1/reports/${e} answers 404`));
    else available.push(e);
  }
  if (available.length === 0) return rows;

  let key = ctx.keys.admin;
  let incidents = ctx.plan.historyIncidents;
  if (ctx.backend === 'postgres' && ctx.plan.reportIncidents > 0 && ctx.database) {
    // PostgreSQL can be loaded beside the running server; the embedded database cannot.
    const db = await openPostgres(ctx.database.url);
    try {
      await copyDemoTenant(db, YEAR_TENANT, 'Bench year of incidents', 'YEAR');
      await loadHistory(db, YEAR_TENANT, 'YEAR', ctx.plan.reportIncidents);
      key = await createKey(db, YEAR_TENANT, 'admin');
      incidents = ctx.plan.reportIncidents;
    } finally {
      await db.close();
    }
  }
  for (const e of available) {
    const times: number[] = [];
    let status = 0;
    for (let run = 0; run <= ctx.plan.reportRuns; run++) {
      const t = performance.now();
      const res = await fetch(`${ctx.server.url}${path(e)}`, { headers: bearer(key) });
      await res.arrayBuffer();
      status = res.status;
      if (status !== 200) break;
      if (run > 0) times.push(performance.now() - t); // run 0 warms up
    }
    if (status !== 200) {
      rows.push({
        ...notAvailable(ctx.backend, what(e, incidents), TARGET, `answered ${status}`),
        verdict: 'MISS',
      });
      continue;
    }
    const s = summarize(times);
    rows.push({
      backend: ctx.backend,
      what: what(e, incidents),
      value: ms(s.p50),
      baseline: '—',
      ratio: null,
      target: TARGET,
      verdict: verdict(s.p50 <= 1000),
      note: `median of ${s.n}, worst ${ms(s.max)}`,
      raw: s,
    });
  }
  return ENDPOINTS.flatMap((e) => rows.filter((r) => r.what.startsWith(`report /v1/reports/${e} `)));
}

const what = (e: string, incidents: number) =>
  `report /v1/reports/${e} (a year${incidents ? `, ${incidents.toLocaleString('en')} incidents` : ''})`;
