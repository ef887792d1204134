import type { Context } from './lib/context.js';
import { bearer } from './lib/context.js';
import { pgbench } from './lib/pgbench.js';
import { errorRow, ms, notAvailable, perSec, type Row, verdict } from './lib/report.js';
import { runOnce, Worker } from './lib/worker-host.js';
import type { ClosedLoopResult } from './workers/autocannon.js';
import type { OpenLoopResult } from './workers/open-loop.js';

/**
 * Intake throughput: POST /v1/incidents with a point (reverse geocoding, duplicate check and
 * the unit recommendation run inside the request) from N concurrent clients, against pgbench
 * doing a single-row INSERT of an incident-shaped row per transaction at the same N, run just
 * before on the same PostgreSQL. The ratio says how much of the database's raw write capacity
 * the whole intake path keeps.
 */
export async function intakeThroughput(ctx: Context): Promise<Row[]> {
  const rows: Row[] = [];
  const { plan } = ctx;
  const cannon = new Worker('autocannon');
  try {
    await throughputRows(ctx, cannon, rows);
    // The diagnostic only in the full run: --quick must stay under 2 minutes.
    if (!plan.quick && ctx.spreadKeys.length > 0) rows.push(await intakeOverTenants(ctx, cannon));
  } finally {
    await cannon.stop();
  }
  return rows;
}

async function throughputRows(ctx: Context, cannon: Worker, rows: Row[]): Promise<void> {
  const { plan } = ctx;
  for (const connections of plan.clientCounts) {
    const what = `intake throughput: POST /v1/incidents, ${connections} clients`;
    try {
      let baseTps = ctx.pgbenchTps.get(connections) ?? null;
      let baseNote = 'pgbench INSERT, same PostgreSQL';
      if (ctx.backend === 'postgres' && ctx.database && ctx.pgbenchPath) {
        // Warm up like the HTTP run does (not in --quick: pgbench counts whole seconds), then measure.
        if (!plan.quick) await pgbench(ctx.pgbenchPath, ctx.database.name, connections, plan.warmupSec);
        baseTps = (await pgbench(ctx.pgbenchPath, ctx.database.name, connections, plan.loadSec)).tps;
        ctx.pgbenchTps.set(connections, baseTps);
      } else if (ctx.backend === 'embedded') {
        baseNote = 'pgbench INSERT on the real PostgreSQL of this run (PGlite has no pgbench)';
      }
      const sigap = await cannon.call<ClosedLoopResult>(
        'run',
        {
          url: ctx.server.url,
          headers: bearer(ctx.keys.callTaker),
          load: { kind: 'incidents' },
          connections,
          durationSec: plan.loadSec,
          warmupSec: plan.warmupSec,
        },
        (plan.loadSec + plan.warmupSec + 90) * 1000,
      );
      const ratio = baseTps ? sigap.okPerSec / baseTps : null;
      const failures = sigap.non2xx + sigap.errors;
      rows.push({
        backend: ctx.backend,
        what,
        value: `${perSec(sigap.okPerSec)} (p99 ${ms(sigap.p99Ms)})`,
        baseline: baseTps ? perSec(baseTps, 'tps') : 'not available (no pgbench)',
        ratio,
        target: '≥ 0.5',
        verdict: verdict(ratio === null ? null : ratio >= 0.5),
        note: [failures ? `${failures} failed requests` : '', baseNote].filter(Boolean).join('; '),
        raw: { sigap, pgbenchTps: baseTps },
      });
    } catch (error) {
      rows.push(errorRow(ctx.backend, what, '≥ 0.5', error));
    }
  }
}

/**
 * A diagnostic, not a target: the same intake load at the highest client count, each request
 * for one of several copies of the demo tenant in turn. Incident numbers and event seqs are
 * gapless per tenant (a counter row locked until commit), so one tenant's intakes queue behind
 * each other; if throughput here is several times the single-tenant figure, that lock is the
 * limit rather than CPU or the database.
 */
async function intakeOverTenants(ctx: Context, cannon: Worker): Promise<Row> {
  const { plan } = ctx;
  const connections = Math.max(...plan.clientCounts);
  const what = `intake over ${ctx.spreadKeys.length} tenants, ${connections} clients (diagnostic)`;
  try {
    const sigap = await cannon.call<ClosedLoopResult>(
      'run',
      {
        url: ctx.server.url,
        headers: bearer(ctx.spreadKeys[0]!),
        load: { kind: 'incidents', keys: ctx.spreadKeys },
        connections,
        durationSec: plan.loadSec,
        warmupSec: plan.warmupSec,
      },
      (plan.loadSec + plan.warmupSec + 90) * 1000,
    );
    const baseTps = ctx.pgbenchTps.get(connections) ?? null;
    const failures = sigap.non2xx + sigap.errors;
    return {
      backend: ctx.backend,
      what,
      value: `${perSec(sigap.okPerSec)} (p99 ${ms(sigap.p99Ms)})`,
      baseline: baseTps ? perSec(baseTps, 'tps') : '—',
      ratio: baseTps ? sigap.okPerSec / baseTps : null,
      target: '—',
      verdict: '—',
      note: `each request for the next tenant in turn${failures ? `; ${failures} failed requests` : ''}`,
      raw: { sigap },
    };
  } catch (error) {
    return errorRow(ctx.backend, what, '—', error);
  }
}

/**
 * Intake latency at a fixed 300 incidents/s (open loop: requests leave on schedule whether or
 * not earlier ones answered, and latency counts from when each was due).
 */
export async function intakeLatency(ctx: Context): Promise<Row> {
  const { plan } = ctx;
  const what = `intake latency at ${plan.latencyRate} incidents/s`;
  const r = await runOnce<OpenLoopResult>(
    'open-loop',
    'run',
    {
      url: ctx.server.url,
      headers: bearer(ctx.keys.callTaker),
      rate: plan.latencyRate,
      durationSec: plan.latencySec,
      firstIndex: 1_000_000,
      // An overloaded server's queue would take long to drain; what is unanswered by then failed.
      maxWaitSec: plan.quick ? 3 : 15,
    },
    (plan.latencySec + 60) * 1000,
  );
  if (r.ok === 0) return notAvailable(ctx.backend, what, 'p99 ≤ 50 ms', `all ${r.sent} requests failed`);
  return {
    backend: ctx.backend,
    what,
    value: `p50 ${ms(r.latency.p50)} / p99 ${ms(r.latency.p99)}`,
    baseline: '—',
    ratio: null,
    target: 'p99 ≤ 50 ms',
    verdict: verdict(r.latency.p99 <= 50 && r.failed === 0),
    note: `${perSec(r.achievedPerSec)} answered${r.failed ? `, ${r.failed} of ${r.sent} failed` : ''}`,
    raw: r,
  };
}
