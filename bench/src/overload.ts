import { connect, type Socket } from 'node:net';
import type { Context } from './lib/context.js';
import { bearer } from './lib/context.js';
import { YEAR } from './lib/dataset.js';
import { errorRow, ms, perSec, type Row, verdict } from './lib/report.js';
import { runOnce, Worker } from './lib/worker-host.js';
import type { ClosedLoopResult } from './workers/autocannon.js';
import type { OpenLoopResult } from './workers/open-loop.js';

/**
 * Overload that one client or one kind of work causes, and what everyone else still gets
 * (issue 16): slow request bodies held open by one key while another tenant reads, and reports
 * hammered while intake goes on. The neighbour connects from 127.0.0.2, another address than
 * the one under attack, as it would from its own control room.
 */
export async function overload(ctx: Context): Promise<Row[]> {
  return [await slowBodies(ctx), await reportsVersusIntake(ctx)];
}

async function slowBodies(ctx: Context): Promise<Row> {
  const { plan } = ctx;
  const count = plan.slowConnections;
  const neighbourKey = ctx.spreadKeys[0] ?? ctx.keys.viewer;
  const what = `another tenant's GET /v1/tenant while ${count.toLocaleString('en')} connections hold partial bodies`;
  const target = '0 failed, p99 ≤ 100 ms';
  const sockets: Socket[] = [];
  try {
    const { hostname, port } = new URL(ctx.server.url);
    // One key, headers promising 1,000 bytes, 10 bytes sent, then nothing.
    const partial =
      `POST /v1/live/tokens HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ctx.keys.viewer}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"1234';
    let refused = 0;
    for (let i = 0; i < count; i++) {
      const socket = connect(Number(port), hostname);
      socket.on('error', () => undefined);
      socket.on('data', () => {
        refused++;
      });
      socket.write(partial);
      sockets.push(socket);
    }
    const r = await runOnce<OpenLoopResult>(
      'open-loop',
      'run',
      {
        url: ctx.server.url,
        headers: bearer(neighbourKey),
        getPath: '/v1/tenant',
        rate: 50,
        durationSec: plan.overloadSec,
        firstIndex: 0,
        localAddress: '127.0.0.2',
        maxWaitSec: 15,
      },
      (plan.overloadSec + 60) * 1000,
    );
    return {
      backend: ctx.backend,
      what,
      value: `p50 ${ms(r.latency.p50)} / p99 ${ms(r.latency.p99)}`,
      baseline: '—',
      ratio: null,
      target,
      verdict: verdict(r.failed === 0 && r.ok > 0 && r.latency.p99 <= 100),
      note: `${r.ok} of ${r.sent} answered at 50/s; ${refused} of the slow connections were answered (capped or timed out) meanwhile${ctx.spreadKeys[0] ? '' : '; neighbour: the demo viewer key (no other tenant in --quick)'}`,
      raw: { neighbour: r, slowConnections: count, slowAnswered: refused },
    };
  } catch (error) {
    return errorRow(ctx.backend, what, target, error);
  } finally {
    for (const s of sockets) s.destroy();
  }
}

async function reportsVersusIntake(ctx: Context): Promise<Row> {
  const { plan } = ctx;
  const clients = plan.reportClients;
  const what = `intake at 100/s while ${clients} clients hammer /v1/reports/summary`;
  const target = '0 failed intakes';
  const cannon = new Worker('autocannon');
  try {
    const hammer = cannon.call<ClosedLoopResult>(
      'run',
      {
        url: ctx.server.url,
        headers: bearer(ctx.keys.admin),
        load: { kind: 'get', path: `/v1/reports/summary?from=${YEAR.from}&to=${YEAR.to}` },
        connections: clients,
        durationSec: plan.overloadSec + 2,
        warmupSec: 0,
      },
      (plan.overloadSec + 90) * 1000,
    );
    const intake = await runOnce<OpenLoopResult>(
      'open-loop',
      'run',
      {
        url: ctx.server.url,
        headers: bearer(ctx.keys.callTaker),
        rate: 100,
        durationSec: plan.overloadSec,
        firstIndex: 5_000_000,
        maxWaitSec: 15,
      },
      (plan.overloadSec + 60) * 1000,
    );
    const reports = await hammer;
    return {
      backend: ctx.backend,
      what,
      value: `${intake.ok} of ${intake.sent} intakes (p99 ${ms(intake.latency.p99)})`,
      baseline: '—',
      ratio: null,
      target,
      verdict: verdict(intake.failed === 0 && intake.sent > 0),
      note: `reports meanwhile: ${perSec(reports.okPerSec)} answered, ${reports.non2xx} refused (503 when their class is full)`,
      raw: { intake, reports },
    };
  } catch (error) {
    return errorRow(ctx.backend, what, target, error);
  } finally {
    await cannon.stop();
  }
}
