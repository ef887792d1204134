/**
 * Guarantee: an acknowledged write survives the server being killed (SIGKILL: no graceful
 * shutdown), a retried submission never creates a second incident, and each tenant's event
 * sequence stays gapless.
 *
 * The server is a separate process (`node packages/server/dist/cli.js serve --demo`) on a fresh
 * PostgreSQL database this file creates and drops; the load generator is the BUILT SDK with its
 * retries and its offline queue on (a report that outlasts the retry window is held and sent later). `sigap verify` (rebuild every incident from its trail) must pass afterwards.
 */
import { execFileSync } from 'node:child_process';
import { createClient, type SigapClient } from '@sigap/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertSdkBuilt } from '../helpers/server.js';
import {
  adminQuery,
  CLI,
  createFreshDatabase,
  figure,
  freePort,
  HAS_POSTGRES,
  ServerProcess,
  sleep,
  waitUntil,
} from './support.js';

const KILLS = 5;
const WRITERS = 6;
const SIDOARJO_TOWN = { lon: 112.7205, lat: -7.4478 };

describe.runIf(HAS_POSTGRES)('crash: SIGKILL during load', () => {
  let database: Awaited<ReturnType<typeof createFreshDatabase>>;
  let server: ServerProcess;

  beforeAll(async () => {
    assertSdkBuilt();
    const backend = inject('testBackend');
    if (backend.kind !== 'postgres') throw new Error('needs TEST_DATABASE_URL');
    database = await createFreshDatabase(backend.adminUrl, backend.template);
    server = new ServerProcess(await freePort(), {
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '8',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await server.start(60_000);
    expect(server.keys.integrator).toBeTruthy();
  }, 120_000);

  afterAll(async () => {
    await server?.kill();
    await database?.drop();
  }, 60_000);

  it('loses no acknowledged incident, duplicates none, and leaves no gap in the event sequence', async () => {
    // Counts what the SDK did on the wire: retried attempts (x-sigap-retry-count) and replays.
    let retriedAttempts = 0;
    let replayedAnswers = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      if (headers.has('x-sigap-retry-count')) retriedAttempts++;
      const res = await fetch(input, init);
      if (res.headers.get('idempotent-replayed') === 'true') replayedAnswers++;
      return res;
    };
    const clients: SigapClient[] = [server.keys.integrator!, server.keys.call_taker!].map((apiKey) =>
      // The SDK's defaults (3 retries at least, a 30 s retry window), then its offline queue:
      // a report that outlasts even that is held and sent later, never lost or doubled.
      createClient({
        baseUrl: server.url,
        apiKey,
        timeoutMs: 4000,
        fetch: countingFetch,
        offline: true,
        queue: { retryBaseMs: 500, retryCapMs: 5000, onlineTarget: null },
      }),
    );
    let stop = false;
    let n = 0;
    const acknowledged = new Map<string, string>(); // ref -> incident id
    const queued: { ref: string; sent: Promise<{ incident: { id: string } }> }[] = [];
    let restarts = 0;
    let acknowledgedAfterLastRestart = 0;
    const failed: string[] = [];
    const writer = async (w: number) => {
      const sigap = clients[w % clients.length]!;
      while (!stop) {
        const ref = `C-${n++}`;
        try {
          const result = await sigap.incidents.submit({
            category: 'fire',
            description: `crash drill ${ref}`,
            location: { point: SIDOARJO_TOWN, accuracyM: 10, source: 'device_gps' },
            externalRefs: { drill: ref },
          });
          if (result.queued) {
            queued.push({ ref, sent: result.sent() as Promise<{ incident: { id: string } }> });
            continue;
          }
          acknowledged.set(ref, result.incident.id);
          if (restarts === KILLS) acknowledgedAfterLastRestart++;
        } catch (error) {
          failed.push(`${ref}: ${(error as Error).name}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    const restartMs: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(1200 + Math.floor(Math.random() * 800));
      await server.kill('SIGKILL');
      await sleep(200);
      restartMs.push(await server.start(60_000));
      restarts++;
    }
    // Outcome, not throughput: the server takes writes again after the last restart. The
    // deadline only catches a server that never recovers.
    await waitUntil(
      'writes acknowledged after the last restart',
      () => acknowledgedAfterLastRestart >= 5,
      120_000,
    );
    stop = true;
    await load;
    // Whatever the SDK held in its queue goes out by itself once the server is back.
    await waitUntil(
      'the offline queues to drain',
      async () => (await Promise.all(clients.map((c) => c.queue.pending()))).every((n) => n === 0),
      180_000,
    );
    const delivered = await Promise.allSettled(queued.map((q) => q.sent));
    await Promise.all(clients.map((c) => c.close()));
    delivered.forEach((d, i) => {
      if (d.status === 'fulfilled') acknowledged.set(queued[i]!.ref, d.value.incident.id);
      else failed.push(`${queued[i]!.ref}: queued, then ${(d.reason as Error).name}`);
    });

    const rows = await adminQuery<{ ref: string; id: string; n: number }>(
      database.url,
      `SELECT external_refs->>'drill' AS ref, min(id::text) AS id, count(*)::int AS n FROM incidents
        WHERE external_refs ? 'drill' GROUP BY 1`,
    );
    const found = new Map(rows.map((r) => [r.ref, r]));
    const duplicates = rows.filter((r) => r.n > 1);
    const keyRows = await adminQuery<{ n: number; distinct_n: number }>(
      database.url,
      `SELECT count(*)::int AS n, count(DISTINCT (api_key_id, key))::int AS distinct_n FROM idempotency_keys`,
    );
    const seqs = await adminQuery<{ tenant_id: string; n: number; min: number; max: number }>(
      database.url,
      'SELECT tenant_id, count(*)::int AS n, min(seq)::int AS min, max(seq)::int AS max FROM events GROUP BY 1',
    );
    const incidentEvents = await adminQuery<{ n: number }>(
      database.url,
      `SELECT count(*)::int AS n FROM incidents i WHERE external_refs ? 'drill'
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = i.tenant_id AND e.incident_id = i.id AND e.type = 'incident.created')`,
    );
    const verify = execFileSync(process.execPath, [CLI, 'verify'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    }).toString();

    const lost = [...acknowledged].filter(([ref, id]) => found.get(ref)?.id !== id);
    figure('crash', {
      kills: KILLS,
      restartMs,
      submitsAttempted: n,
      acknowledged: acknowledged.size,
      acknowledgedFound: acknowledged.size - lost.length,
      lost: lost.length,
      failedAfterRetries: failed.length,
      heldInQueueThenDelivered: delivered.filter((d) => d.status === 'fulfilled').length,
      retriedAttempts,
      replayedAnswers,
      incidentsInDb: rows.length,
      createdButNotAcknowledged: rows.filter((r) => !acknowledged.has(r.ref)).length,
      duplicates: duplicates.length,
      idempotencyKeys: keyRows[0],
      eventSequences: seqs,
      incidentsWithoutCreatedEvent: incidentEvents[0]!.n,
      verify: verify.trim().split('\n').at(-1),
    });

    expect(failed).toEqual([]); // no write gave up: sent at once, or held and sent later
    expect(lost).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(keyRows[0]!.n).toBe(keyRows[0]!.distinct_n);
    for (const s of seqs) {
      expect(s.min, s.tenant_id).toBe(1);
      expect(s.n, s.tenant_id).toBe(s.max);
    }
    expect(incidentEvents[0]!.n).toBe(0);
    expect(verify).toMatch(/every row matches its trail/);
  }, 400_000);
});
