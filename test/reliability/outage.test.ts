/**
 * Guarantee: while the database is down the server answers at once (503 + Retry-After, never a
 * hanging request), says it is not ready, and heals by itself when the database returns; the
 * SDK's offline queue then delivers every report it held exactly once.
 *
 * The PostgreSQL here is the test's own cluster (initdb in a temp dir, own port), so stopping it
 * for 10 s harms nothing else. The server is `node packages/server/dist/cli.js serve`.
 */
import { createClient, type SubmitResult } from '@sigap/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSdkBuilt } from '../helpers/server.js';
import {
  adminQuery,
  figure,
  freePort,
  HAS_PG_BINARIES,
  HAS_POSTGRES,
  PrivateCluster,
  percentile,
  ServerProcess,
  sleep,
  waitUntil,
} from './support.js';

const OUTAGE_MS = 10_000;
const SIDOARJO_TOWN = { lon: 112.7205, lat: -7.4478 };

describe.runIf(HAS_POSTGRES && HAS_PG_BINARIES)('database outage (own PostgreSQL, stopped for 10 s)', () => {
  let cluster: PrivateCluster;
  let server: ServerProcess;

  beforeAll(async () => {
    assertSdkBuilt();
    cluster = await PrivateCluster.create();
    await adminQuery(cluster.url(), 'CREATE DATABASE sigap');
    server = new ServerProcess(await freePort(), {
      DATABASE_URL: cluster.url('sigap'),
      DATABASE_POOL_MAX: '5',
      DATABASE_CONNECT_TIMEOUT_MS: '3000',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await server.start(90_000);
    expect(server.keys.call_taker).toBeTruthy();
  }, 150_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await cluster?.destroy();
  }, 60_000);

  it('answers 503 + Retry-After within 1 s, reports not ready, recovers, and the queue delivers once', async () => {
    const key = server.keys.call_taker!;
    const sigap = createClient({
      baseUrl: server.url,
      apiKey: key,
      offline: true, // in-memory queue
      retries: 0, // queue at the first 503 instead of waiting out Retry-After
      timeoutMs: 3000,
      queue: { retryBaseMs: 200, retryCapMs: 1000, onlineTarget: null },
    });
    const report = (ref: string) => ({
      category: 'flood',
      description: `outage drill ${ref}`,
      location: { point: SIDOARJO_TOWN, accuracyM: 10, source: 'device_gps' as const },
      externalRefs: { drill: ref },
    });

    // --- load: 3 SDK writers, and a raw prober measuring each answer --------------------------
    let stopLoad = false;
    let n = 0;
    const acknowledged: string[] = []; // refs the server confirmed directly
    const queued: { ref: string; sent: Promise<unknown> }[] = [];
    const thrown: string[] = [];
    const writer = async () => {
      while (!stopLoad) {
        const ref = `O-${n++}`;
        try {
          const result = (await sigap.incidents.submit(report(ref) as never)) as SubmitResult;
          if (result.queued) queued.push({ ref, sent: result.sent() });
          else acknowledged.push(ref);
        } catch (error) {
          thrown.push(`${ref}: ${(error as Error).name} ${(error as Error).message}`);
        }
        await sleep(60);
      }
    };
    type Probe = {
      at: number;
      end: number;
      ms: number;
      status: number;
      retryAfter: string | null;
      path: string;
    };
    const probes: Probe[] = [];
    let p = 0;
    const probe = async (path: string, init: RequestInit) => {
      const at = Date.now();
      try {
        const res = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        probes.push({
          at,
          end: Date.now(),
          ms: Date.now() - at,
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          path,
        });
      } catch {
        probes.push({ at, end: Date.now(), ms: Date.now() - at, status: 0, retryAfter: null, path });
      }
    };
    const prober = async () => {
      while (!stopLoad) {
        const ref = `P-${p++}`;
        await Promise.all([
          probe('/v1/incidents', {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(report(ref)),
          }),
          probe('/v1/incidents?limit=5', { headers: { authorization: `Bearer ${key}` } }),
          probe('/readyz', {}),
          probe('/healthz', {}),
        ]);
        await sleep(100);
      }
    };
    const load = Promise.all([writer(), writer(), writer(), prober()]);

    await sleep(2000);
    const stopAt = Date.now();
    await cluster.stop();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const upAt = Date.now();
    await cluster.start();
    const startedAt = Date.now();
    // The server must survive the outage itself (no restart by an orchestrator).
    const exited =
      server.child === null || server.child.exitCode !== null || server.child.signalCode !== null;
    if (exited) stopLoad = true;
    expect(
      exited,
      `the server process exited during the outage: ${/"msg":"shutting down[^}]*|uncaught[^\n]*/.exec(server.output)?.[0] ?? server.output.slice(-1500)}`,
    ).toBe(false);
    let lastReady = '';
    const recoveryMs = await waitUntil(
      '/readyz after the database returned',
      async () => {
        const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2000) });
        lastReady = `${res.status} ${await res.text()}`;
        return res.status === 200;
      },
      60_000,
      50,
    ).catch((error: Error) => {
      stopLoad = true;
      throw new Error(
        `${error.message}; last /readyz: ${lastReady}; server output: ${server.output.slice(-3000)}`,
      );
    });
    await sleep(2000);
    stopLoad = true;
    await load;

    // --- the queue drains by itself ---------------------------------------------------------
    const drainMs = await waitUntil(
      'the offline queue to drain',
      async () => (await sigap.queue.pending()) === 0,
      60_000,
      100,
    );
    const sent = await Promise.allSettled(queued.map((q) => q.sent));
    const sentOk = sent.filter((s) => s.status === 'fulfilled').length;

    // --- what the server said while the database was down ----------------------------------
    const during = probes.filter((x) => x.at >= downAt && x.end <= upAt);
    const api = during.filter((x) => x.path.startsWith('/v1/'));
    const ready = during.filter((x) => x.path === '/readyz');
    const health = during.filter((x) => x.path === '/healthz');

    // --- what is in the database ---------------------------------------------------------------
    const rows = await adminQuery<{ ref: string; n: number }>(
      cluster.url('sigap'),
      `SELECT external_refs->>'drill' AS ref, count(*)::int AS n FROM incidents
        WHERE external_refs ? 'drill' GROUP BY 1`,
    );
    const found = new Map(rows.map((r) => [r.ref, r.n]));
    const duplicates = rows.filter((r) => r.n > 1);
    const gaps = await adminQuery<{ tenant_id: string; n: number; max: number }>(
      cluster.url('sigap'),
      'SELECT tenant_id, count(*)::int AS n, max(seq)::int AS max FROM events GROUP BY 1',
    );

    figure('outage', {
      outageMs: upAt - downAt,
      pgStopMs: downAt - stopAt,
      pgStartMs: startedAt - upAt,
      apiAnswersDuringOutage: api.length,
      apiStatuses: [...new Set(api.map((x) => x.status))],
      api503WithRetryAfter: api.filter((x) => x.status === 503 && x.retryAfter).length,
      latencyMs: {
        p50: percentile(
          api.map((x) => x.ms),
          50,
        ),
        p99: percentile(
          api.map((x) => x.ms),
          99,
        ),
        max: Math.max(0, ...api.map((x) => x.ms)),
      },
      readyzDuringOutage: ready.map((x) => x.status).filter((s, i, a) => a.indexOf(s) === i),
      readyzMaxMs: Math.max(0, ...ready.map((x) => x.ms)),
      healthzDuringOutage: [...new Set(health.map((x) => x.status))],
      recoveryMsAfterPgStart: recoveryMs,
      acknowledgedDirectly: acknowledged.length,
      queued: queued.length,
      queueDelivered: sentOk,
      queueDrainMs: drainMs,
      thrown: thrown.length,
      incidentsFound: rows.length,
      duplicates: duplicates.length,
    });

    expect(thrown).toEqual([]);
    // Every API answer during the outage: 503 with Retry-After, not a hang. How fast (the 1 s
    // pool acquisition) is in the figures above; the 10 s deadline only tells "answered without
    // the database" from "hung until the client gave up", so a loaded machine cannot fail it.
    expect(api.length).toBeGreaterThan(2);
    for (const x of api) {
      expect(x.status, JSON.stringify(x)).toBe(503);
      expect(x.retryAfter, JSON.stringify(x)).toMatch(/^\d+$/);
      expect(x.ms, JSON.stringify(x)).toBeLessThan(10_000);
    }
    expect(ready.length).toBeGreaterThan(0);
    for (const x of ready) {
      expect(x.status).toBe(503);
      expect(x.ms).toBeLessThan(10_000);
    }
    for (const x of health) expect(x.status).toBe(200);
    // Recovery by itself, without a restart; the deadline catches a server that never recovers.
    expect(recoveryMs).toBeLessThan(60_000);
    // The queue held reports and delivered each of them exactly once.
    expect(queued.length).toBeGreaterThan(0);
    expect(sentOk).toBe(queued.length);
    expect(duplicates).toEqual([]);
    for (const ref of [...acknowledged, ...queued.map((q) => q.ref)]) expect(found.get(ref), ref).toBe(1);
    for (const g of gaps) expect(g.n, `events of ${g.tenant_id}`).toBe(g.max);
  }, 150_000);
});
