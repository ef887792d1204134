import type { Context } from './lib/context.js';
import { perSec, type Row, verdict } from './lib/report.js';
import { median } from './lib/stats.js';
import { Worker } from './lib/worker-host.js';
import type { ClosedLoopInput, ClosedLoopResult } from './workers/autocannon.js';

/**
 * HTTP overhead: GET /healthz on Sigap against the same route on a bare Fastify (separate
 * process), same client counts, baseline measured just before. /healthz touches no database,
 * so the ratio is the cost of Sigap's hooks and plugins per request.
 */
export async function httpOverhead(ctx: Context): Promise<Row[]> {
  const bare = new Worker('bare-fastify');
  const cannon = new Worker('autocannon');
  const rows: Row[] = [];
  try {
    const port = await bare.call<number>('start');
    for (const connections of ctx.plan.clientCounts) {
      // Alternating short rounds (bare, Sigap, bare, Sigap...) and the median of each side: on a
      // shared machine, noise then hits both sides alike instead of one whole run.
      const rounds = ctx.plan.quick ? 1 : 2;
      const input = (url: string, round: number): ClosedLoopInput => ({
        url,
        load: { kind: 'get', path: '/healthz' },
        connections,
        durationSec: Math.max(1.5, ctx.plan.loadSec / rounds),
        warmupSec: round === 0 ? ctx.plan.warmupSec : 0,
      });
      const timeout = (ctx.plan.loadSec + ctx.plan.warmupSec + 60) * 1000;
      const bareRuns: ClosedLoopResult[] = [];
      const sigapRuns: ClosedLoopResult[] = [];
      for (let round = 0; round < rounds; round++) {
        bareRuns.push(await cannon.call('run', input(`http://127.0.0.1:${port}`, round), timeout));
        sigapRuns.push(await cannon.call('run', input(ctx.server.url, round), timeout));
      }
      const base = median(bareRuns.map((r) => r.okPerSec));
      const sigap = median(sigapRuns.map((r) => r.okPerSec));
      const ratio = sigap / base;
      rows.push({
        backend: ctx.backend,
        what: `HTTP overhead: GET /healthz, ${connections} clients`,
        value: `${perSec(sigap)} (p99 ${median(sigapRuns.map((r) => r.p99Ms))} ms)`,
        baseline: `bare Fastify ${perSec(base)}`,
        ratio,
        target: '≥ 0.8',
        verdict: verdict(ratio >= 0.8),
        note: rounds === 1 ? 'one round each' : `medians of ${rounds} alternating rounds`,
        raw: { sigap: sigapRuns, bare: bareRuns },
      });
    }
  } finally {
    await cannon.stop();
    await bare.stop();
  }
  return rows;
}
