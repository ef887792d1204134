/**
 * Guarantee: beyond capacity the server sheds load with a quick 503 + Retry-After (MAX_IN_FLIGHT
 * and @fastify/under-pressure, plugins/protection.ts) instead of queueing without bound; its
 * memory stays bounded and /healthz keeps answering.
 *
 * The server is a separate process (`sigap serve --demo` on a fresh PostgreSQL database); the load
 * generator (loadgen.mjs, raw keep-alive HTTP) is another. Two waves, the second twice the first:
 * if memory grew with the backlog, the second wave's peak would be far above the first's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createFreshDatabase,
  figure,
  freePort,
  HAS_POSTGRES,
  mb,
  percentile,
  rssBytes,
  ServerProcess,
  sleep,
} from './support.js';

const LOADGEN = fileURLToPath(new URL('./loadgen.mjs', import.meta.url));
const MAX_IN_FLIGHT = 50;
const WAVE_MS = 6000;

describe.runIf(HAS_POSTGRES)('overload: load shedding', () => {
  let database: Awaited<ReturnType<typeof createFreshDatabase>>;
  let server: ServerProcess;

  beforeAll(async () => {
    const backend = inject('testBackend');
    if (backend.kind !== 'postgres') throw new Error('needs TEST_DATABASE_URL');
    database = await createFreshDatabase(backend.adminUrl, backend.template);
    server = new ServerProcess(await freePort(), {
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '4',
      MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      RATE_LIMIT_PER_MINUTE: '1000000',
      // The load comes from one address with one key: the per-client caps (their own tests in
      // overload-protection.test.ts) would answer it first; this test is about global shedding.
      MAX_REQUESTS_PER_CLIENT: '100000',
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      LOG_LEVEL: 'error',
    });
    await server.start(60_000);
  }, 120_000);
  afterAll(async () => {
    await server?.kill();
    await database?.drop();
  }, 60_000);

  it('sheds with 503 beyond capacity, keeps /healthz answering, and keeps memory bounded', async () => {
    const key = server.keys.dispatcher!;
    // Warm up (JIT, pool), then the baseline.
    for (let i = 0; i < 50; i++)
      await fetch(`${server.url}/v1/incidents?limit=50`, { headers: { authorization: `Bearer ${key}` } });
    await sleep(500);
    const rssBefore = rssBytes(server.pid);

    const wave = async (concurrency: number) => {
      let peak = rssBytes(server.pid);
      const health: number[] = [];
      const healthStatuses = new Set<number>();
      let done = false;
      const watch = (async () => {
        while (!done) {
          peak = Math.max(peak, rssBytes(server.pid));
          const at = Date.now();
          try {
            const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) });
            await res.arrayBuffer();
            healthStatuses.add(res.status);
          } catch {
            healthStatuses.add(0);
          }
          health.push(Date.now() - at);
          await sleep(200);
        }
      })();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [LOADGEN, server.url, key, String(concurrency), String(WAVE_MS), '/v1/incidents?limit=50'],
        { timeout: WAVE_MS + 30_000 },
      );
      done = true;
      await watch;
      const result = JSON.parse(stdout) as {
        total: number;
        counts: Record<string, number>;
        latency: Record<string, { p50: number; p99: number }>;
      };
      const shed = result.counts['503'] ?? 0;
      return {
        concurrency,
        ...result,
        shedRatio: Math.round((shed / Math.max(1, result.total)) * 1000) / 1000,
        peakRssMb: mb(peak),
        healthz: {
          probes: health.length,
          statuses: [...healthStatuses],
          p50: percentile(health, 50),
          p99: percentile(health, 99),
          max: Math.max(...health),
        },
      };
    };

    const first = await wave(300);
    await sleep(1000);
    const second = await wave(600);
    await sleep(2000);
    const rssAfter = rssBytes(server.pid);
    const after = await fetch(`${server.url}/v1/incidents?limit=5`, {
      headers: { authorization: `Bearer ${key}` },
    });

    figure('overload', {
      maxInFlight: MAX_IN_FLIGHT,
      rssBeforeMb: mb(rssBefore),
      waves: [first, second],
      rssAfterMb: mb(rssAfter),
      statusAfter: after.status,
    });

    for (const w of [first, second]) {
      const statuses = Object.keys(w.counts);
      // Only answers, no dropped connections; only 200 or 503.
      expect(
        statuses.every((s) => s === '200' || s === '503'),
        JSON.stringify(w.counts),
      ).toBe(true);
      expect(w.counts['503'] ?? 0).toBeGreaterThan(0);
      expect(w.counts['200'] ?? 0).toBeGreaterThan(0);
      expect(w.healthz.statuses).toEqual([200]);
      // Liveness never queues behind the work: a hang would last the whole wave. (Its latency
      // is a figure above, not a pass mark: a busy machine may add a second.)
      expect(w.healthz.p99).toBeLessThan(10_000);
    }
    // Twice the offered load must not mean (anywhere near) twice the memory.
    expect(second.peakRssMb).toBeLessThan(first.peakRssMb + 150);
    expect(mb(rssAfter)).toBeLessThan(mb(rssBefore) + 200);
    expect(after.status).toBe(200);
  }, 120_000);
});
