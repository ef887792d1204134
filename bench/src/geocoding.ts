import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { bearer, type Context } from './lib/context.js';
import { geocodingHoldout, geocodingTestSet } from './lib/paths.js';
import { ms, notAvailable, perSec, type Row, verdict } from './lib/report.js';
import { summarize } from './lib/stats.js';
import { runOnce } from './lib/worker-host.js';
import type { ClosedLoopResult } from './workers/autocannon.js';

const WHAT = 'geocoding: GET /v1/geocode on the gazetteer test set';
const TARGET = 'p99 ≤ 20 ms';

/**
 * Geocoding queries per second over the test set's queries (8 clients in a closed loop), and
 * the p99 latency of the same queries sent one at a time. The route and the test set are being written: until both exist, the row
 * says "not available". The test set's format is not fixed yet; the queries are read from an
 * array (or its `cases`/`queries`/`items`) of strings or objects with `query`, `q`, `text` or
 * `address`, and sent as `?q=`.
 */
export async function geocoding(ctx: Context): Promise<Row> {
  if (!existsSync(geocodingTestSet))
    return notAvailable(ctx.backend, WHAT, TARGET, 'geocoding-testset.json does not exist yet');
  const probe = await fetch(`${ctx.server.url}/v1/geocode?q=Sidoarjo`, {
    headers: bearer(ctx.keys.callTaker),
  });
  if (probe.status === 404) return notAvailable(ctx.backend, WHAT, TARGET, 'GET /v1/geocode answers 404');
  const queries = extractQueries(JSON.parse(await readFile(geocodingTestSet, 'utf8')));
  if (queries.length === 0)
    return notAvailable(ctx.backend, WHAT, TARGET, 'no queries found in the test set');
  const r = await runOnce<ClosedLoopResult>(
    'autocannon',
    'run',
    {
      url: ctx.server.url,
      headers: bearer(ctx.keys.callTaker),
      load: { kind: 'paths', paths: queries.map((q) => `/v1/geocode?q=${encodeURIComponent(q)}`) },
      connections: 8,
      durationSec: ctx.plan.loadSec,
      warmupSec: ctx.plan.warmupSec,
    },
    (ctx.plan.loadSec + ctx.plan.warmupSec + 60) * 1000,
  );
  // Latency as one call taker sees it: each query alone, one after the other (8 clients in a
  // closed loop keep the server saturated, so their latency is mostly waiting in line). These
  // are the held-out addresses when they exist, so the same loop measures top-1 accuracy.
  const holdout: { q: string; kecamatan?: string; desa?: string }[] = existsSync(geocodingHoldout)
    ? (JSON.parse(await readFile(geocodingHoldout, 'utf8')) as { items: { q: string }[] }).items
    : queries.map((q) => ({ q }));
  const alone: number[] = [];
  let failed = 0;
  let kecamatanHits = 0;
  let desaHits = 0;
  const measured = holdout.slice(0, ctx.plan.quick ? 50 : holdout.length);
  for (const item of measured) {
    const t = performance.now();
    const res = await fetch(`${ctx.server.url}/v1/geocode?q=${encodeURIComponent(item.q)}`, {
      headers: bearer(ctx.keys.callTaker),
    });
    const body = await res.text();
    if (res.ok) alone.push(performance.now() - t);
    else failed++;
    if (!res.ok) continue;
    const top = (JSON.parse(body) as { candidates: { areaCodes: { kecamatan?: string; desa?: string } }[] })
      .candidates[0];
    if (item.kecamatan && top?.areaCodes.kecamatan === item.kecamatan) kecamatanHits++;
    if (item.desa && top?.areaCodes.desa === item.desa) desaHits++;
  }
  const accuracy = measured[0]?.kecamatan
    ? `; held-out top-1 kecamatan ${((100 * kecamatanHits) / measured.length).toFixed(1)} %, desa ${((100 * desaHits) / measured.length).toFixed(1)} %`
    : '';
  const single = summarize(alone);
  return {
    backend: ctx.backend,
    what: WHAT,
    value: `p50 ${ms(single.p50)} / p99 ${ms(single.p99)}; ${perSec(r.okPerSec, 'queries/s')}${accuracy}`,
    baseline: '—',
    ratio: null,
    target: TARGET,
    verdict: verdict(single.p99 <= 20 && failed === 0 && r.non2xx === 0),
    note:
      `latency: ${single.n} held-out queries one at a time; queries/s: ${queries.length} test queries, 8 clients ` +
      `(p99 ${ms(r.p99Ms)} under that load)${r.non2xx + failed ? `, ${r.non2xx + failed} failed` : ''}`,
    raw: { saturated: r, alone: single, holdout: { n: measured.length, kecamatanHits, desaHits } },
  };
}

function extractQueries(data: unknown): string[] {
  const list = Array.isArray(data)
    ? data
    : ['cases', 'queries', 'items', 'tests']
        .map((k) => (data as Record<string, unknown>)?.[k])
        .find(Array.isArray);
  if (!Array.isArray(list)) return [];
  return list
    .map((item) => {
      if (typeof item === 'string') return item;
      const o = item as Record<string, unknown>;
      return [o.query, o.q, o.text, o.address].find((v) => typeof v === 'string') as string | undefined;
    })
    .filter((q): q is string => typeof q === 'string' && q.length > 0);
}
