import type { Context } from './lib/context.js';
import { bearer } from './lib/context.js';
import { DEMO_TENANT_ID } from './lib/database.js';
import { ms, perSec, type Row, verdict } from './lib/report.js';
import { type Summary, sleep } from './lib/stats.js';
import { Worker } from './lib/worker-host.js';
import type { OpenLoopResult } from './workers/open-loop.js';

interface Collected {
  latency: Summary;
  delivered: number;
  expected: number;
  closed: Record<string, number>;
  sample: string | null;
}

/** At most this long for the last messages to arrive after the last event was committed or sent. */
const DRAIN_MS = 3000;

/** Waits until every expected message arrived, or DRAIN_MS passed (then some are late or lost). */
async function drain(clients: Worker, expected: number): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  while (Date.now() < deadline && (await clients.call<number>('received')) < expected) await sleep(50);
}

/**
 * Live fan-out: N WebSocket clients on /v1/live (viewer key, resuming with `since` so the run
 * measures live delivery, not N snapshots) while incidents are committed at 100 events/s.
 * Latency is commit → arrival at each client. Baseline, just before: a bare `ws` server in
 * its own process broadcasting the same message (captured from Sigap) at the same rate.
 * Memory: the server's peak RSS during the 1,000-client run, with the demo tenant's history
 * (100k incidents in the full run) in the database.
 */
export async function fanout(ctx: Context): Promise<Row[]> {
  const { plan } = ctx;
  const clients = new Worker('ws-clients');
  // PostgreSQL: commits straight into the database; embedded: POSTs to the server (see writeEvents).
  const writer = new Worker(ctx.backend === 'postgres' ? 'event-writer' : 'open-loop');
  const rows: Row[] = [];
  try {
    // A real message to hand the bare server: one client, a few events.
    await clients.call('connect', { url: await liveUrl(ctx), headers: bearer(ctx.keys.viewer), count: 1 });
    const warmup = await writeEvents(ctx, writer, 10, 0.5, 'w');
    await drain(clients, warmup.length);
    const warm = await clients.call<Collected>('collect', { sendTimes: [], clients: 1 });
    await clients.call('close');
    if (!warm.sample) throw new Error('no live message arrived from Sigap during the warm-up');

    for (const count of plan.fanoutClients) {
      const bare = await bareBroadcast(clients, count, plan.fanoutRate, plan.fanoutSec, warm.sample);

      const sampling = count === Math.max(...plan.fanoutClients) ? sampleRss(ctx) : null;
      const connected = await clients.call<{ opened: number; failed: number }>(
        'connect',
        { url: await liveUrl(ctx), headers: bearer(ctx.keys.viewer), count },
        180_000,
      );
      const sent = await writeEvents(ctx, writer, plan.fanoutRate, plan.fanoutSec, String(count));
      await drain(clients, sent.length * count);
      const peakMb = await sampling?.stop();
      const sigap = await clients.call<Collected>('collect', { sendTimes: sent, clients: count });
      await clients.call('close');

      const sigapRate = sigap.delivered / windowSec(sent, plan.fanoutRate);
      const bareRate = bare.delivered / windowSec(bare.sendTimes, plan.fanoutRate);
      const lost = sigap.expected - sigap.delivered;
      const notes = [
        `${sigap.delivered.toLocaleString('en')} of ${sigap.expected.toLocaleString('en')} messages delivered`,
        connected.failed ? `${connected.failed} clients failed to connect` : '',
        Object.keys(sigap.closed).length ? `closed by server: ${JSON.stringify(sigap.closed)}` : '',
        ctx.backend === 'embedded' ? 'events written through POST /v1/incidents; latency from its 201' : '',
      ].filter(Boolean);
      const isTarget = count === 1000;
      rows.push({
        backend: ctx.backend,
        what: `live fan-out latency, ${count.toLocaleString('en')} clients at ${plan.fanoutRate} events/s`,
        value: `p50 ${ms(sigap.latency.p50)} / p99 ${ms(sigap.latency.p99)}`,
        baseline: `bare ws p50 ${ms(bare.latency.p50)} / p99 ${ms(bare.latency.p99)}`,
        ratio: null,
        target: isTarget ? 'p99 ≤ 100 ms' : '—',
        verdict: isTarget ? verdict(sigap.latency.p99 <= 100 && lost === 0) : '—',
        note: notes.join('; '),
        raw: { sigap: { ...sigap, sample: undefined }, bare: { ...bare, sendTimes: undefined } },
      });
      const ratio = sigapRate / bareRate;
      rows.push({
        backend: ctx.backend,
        what: `live fan-out rate, ${count.toLocaleString('en')} clients`,
        value: perSec(sigapRate, 'msg/s'),
        baseline: `bare ws ${perSec(bareRate, 'msg/s')}`,
        ratio,
        target: '≥ 0.5',
        verdict: verdict(ratio >= 0.5),
        note:
          `messages delivered per second while events were sent; events committed at ` +
          `${perSec(sent.length / windowSec(sent, plan.fanoutRate), 'events/s')}`,
      });
      if (peakMb !== undefined) {
        const history = plan.historyIncidents;
        rows.push({
          backend: ctx.backend,
          what: `memory: server RSS, ${count.toLocaleString('en')} clients + ${history.toLocaleString('en')} incidents`,
          value: `${Math.round(peakMb)} MB peak`,
          baseline: '—',
          ratio: null,
          target: '≤ 300 MB',
          verdict: verdict(peakMb <= 300),
          note:
            ctx.backend === 'embedded'
              ? 'includes the embedded PostgreSQL (PGlite + PostGIS, WebAssembly) in the same process'
              : 'sampled every 250 ms during the run',
          raw: { peakMb },
        });
      }
    }
  } finally {
    await clients.call('close').catch(() => {});
    await clients.stop();
    await writer.stop();
  }
  return rows;
}

async function bareBroadcast(
  clients: Worker,
  count: number,
  rate: number,
  durationSec: number,
  sample: string,
) {
  const server = new Worker('bare-ws');
  try {
    const port = await server.call<number>('start');
    await clients.call('connect', { url: `ws://127.0.0.1:${port}/`, headers: {}, count }, 180_000);
    const { sendTimes } = await server.call<{ sendTimes: [number, number][] }>(
      'broadcast',
      { rate, durationSec, sample },
      (durationSec + 60) * 1000,
    );
    await drain(clients, sendTimes.length * count);
    const result = await clients.call<Collected>('collect', { sendTimes, clients: count });
    await clients.call('close');
    return { ...result, sendTimes };
  } finally {
    await server.stop();
  }
}

/** The stream from the current head: `since` skips the snapshot, as a reconnecting wall-board does. */
async function liveUrl(ctx: Context): Promise<string> {
  // A server still working off the previous step's queue may say 503: come back, as clients do.
  let res = await fetch(`${ctx.server.url}/v1/events`, { headers: bearer(ctx.keys.viewer) });
  for (let tries = 0; res.status === 503 && tries < 60; tries++) {
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
    res = await fetch(`${ctx.server.url}/v1/events`, { headers: bearer(ctx.keys.viewer) });
  }
  if (!res.ok) throw new Error(`GET /v1/events answered ${res.status}`);
  const { seq } = (await res.json()) as { seq: number };
  return `${ctx.server.url.replace(/^http/, 'ws')}/v1/live?since=${seq}`;
}

/** How many embedded write runs so far: each numbers its incidents from its own range. */
let writes = 0;

/**
 * Commits `rate × durationSec` incidents at `rate` per second. PostgreSQL: straight into the
 * database (worker event-writer), timing the commit itself. Embedded: PGlite lives inside the
 * server process, so through POST /v1/incidents (a P2 category: one event each), timing the 201.
 */
async function writeEvents(ctx: Context, writer: Worker, rate: number, durationSec: number, tag: string) {
  const timeout = (durationSec + 90) * 1000;
  if (ctx.backend === 'postgres') {
    const r = await writer.call<{ sendTimes: [number, number][] }>(
      'run',
      {
        databaseUrl: ctx.database!.url,
        tenantId: DEMO_TENANT_ID,
        rate,
        durationSec,
        tag: `${tag}-${Date.now()}`,
      },
      timeout,
    );
    return r.sendTimes;
  }
  const r = await writer.call<OpenLoopResult>(
    'run',
    {
      url: ctx.server.url,
      headers: bearer(ctx.keys.callTaker),
      rate,
      durationSec,
      firstIndex: 2_000_000 + 100_000 * writes++,
      category: 'animal_rescue',
      collectSeq: true,
    },
    timeout,
  );
  return r.seqTimes;
}

function windowSec(sendTimes: [number, number][], rate: number): number {
  if (sendTimes.length === 0) return Number.NaN;
  const times = sendTimes.map(([, t]) => t);
  return (Math.max(...times) - Math.min(...times)) / 1000 + 1 / rate;
}

function sampleRss(ctx: Context) {
  let peak = 0;
  const timer = setInterval(() => {
    ctx.server.rssMb().then(
      (mb) => {
        peak = Math.max(peak, mb);
      },
      () => {},
    );
  }, 250);
  return {
    stop: async () => {
      clearInterval(timer);
      peak = Math.max(peak, await ctx.server.rssMb());
      return peak;
    },
  };
}
