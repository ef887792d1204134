import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameBudget, Gate } from '../src/live/limits.js';
import { liveHubOf } from '../src/live/routes.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';
import { TestLiveClient } from './helpers/ws.js';

/**
 * Issue 18, findings 2 and 3: output per socket is bounded in every state, client frames are
 * rate-limited, and sockets per key / per tenant are capped (past a cap: 1013, retry later).
 */
let t: TestDatabase;
let demo: SeededTenant;
let app: FastifyInstance;
let base: string;
const clients: TestLiveClient[] = [];
/** Events in the demo tenant's history before the tests start. */
const HISTORY = 6000;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db, {
    LIVE_MAX_BUFFERED_BYTES: '65536',
    LIVE_MAX_SOCKETS_PER_KEY: '2',
    LIVE_MAX_SOCKETS_PER_TENANT: '4',
    LIVE_MAX_SNAPSHOTS_PER_TENANT: '1',
    LIVE_MAX_CLIENT_MESSAGES_PER_SECOND: '5',
  });
  base = await listen(app);
  // A long history (each streamed event carries its incident's view, about 1 kB): replaying it
  // to a client that does not read would need megabytes of server memory.
  const created = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(demo.keys.call_taker),
    payload: {
      category: 'fire',
      description: 'kebakaran gudang '.repeat(20),
      location: { point: { lon: 112.72, lat: -7.45 } },
    },
  });
  expect(created.statusCode).toBe(201);
  const incidentId = created.json().incident.id;
  await t.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ v: number }>(
      `SELECT value::int AS v FROM tenant_counters WHERE tenant_id = $1 AND name = 'events'`,
      [demo.tenantId],
    );
    const from = rows[0]!.v;
    await tx.query(
      `INSERT INTO events (tenant_id, seq, type, actor, incident_id, payload)
       SELECT $1, $2::bigint + g, 'incident.note_added', '{"role":"system","name":"test"}'::jsonb, $3::uuid,
              jsonb_build_object('note', repeat('x', 200))
         FROM generate_series(1, $4::int) AS g`,
      [demo.tenantId, from, incidentId, HISTORY],
    );
    await tx.query(`UPDATE tenant_counters SET value = value + $2 WHERE tenant_id = $1 AND name = 'events'`, [
      demo.tenantId,
      HISTORY,
    ]);
  });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await app?.close();
  await t?.destroy();
});

function connect(key: string, query = ''): TestLiveClient {
  const client = new TestLiveClient(`${base}/v1/live${query}`, bearer(key));
  clients.push(client);
  return client;
}

const opened = (client: TestLiveClient) =>
  client.until(
    () => client.socket.readyState === client.socket.OPEN || client.closed !== null,
    15_000,
    'open',
  );

async function allClosed() {
  for (const c of clients.splice(0)) {
    c.close();
    await c.until(() => c.closed !== null, 15_000, 'closed');
  }
  await waitFor(() => liveHubOf(app).clientCount === 0, 'hub empty');
}

async function waitFor(predicate: () => boolean, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bounded output', () => {
  it('cuts off (4000) a client replaying from since=0 that does not read, instead of buffering the history', async () => {
    const client = connect(demo.keys.viewer, '?since=0');
    await opened(client);
    // Stop reading: the kernel buffers fill, then the server's send buffer would grow.
    const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    await waitFor(() => liveHubOf(app).streamingCount === 0, 'the server to give up on the client');
    raw.resume();
    await client.until(() => client.closed !== null, 30_000, 'close');
    expect(client.closed!.code).toBe(4000);
    expect(client.closed!.reason).toMatch(/since=\d+/);
    expect(client.events().length).toBeLessThan(HISTORY);
    await allClosed();
  });

  it('a reading client replays the whole history through the same small buffer', async () => {
    const client = connect(demo.keys.viewer, '?since=0');
    await client.until(() => client.events().length >= HISTORY, 60_000, 'full replay');
    const seqs = client.events().map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(client.closed).toBeNull();
    await allClosed();
  });

  it('closes (1008) a client sending frames past its budget, and answers pings within it', async () => {
    const polite = connect(demo.keys.viewer, '?since=0');
    await opened(polite);
    polite.socket.send(JSON.stringify({ type: 'ping' }));
    await polite.until(() => polite.messages.some((m) => m.type === 'pong'), 15_000, 'pong');
    const flood = connect(demo.keys.dispatcher, '?since=0');
    await opened(flood);
    for (let i = 0; i < 200; i++) flood.socket.send(JSON.stringify({ type: 'ping' }));
    await flood.until(() => flood.closed !== null, 15_000, 'close');
    expect(flood.closed!.code).toBe(1008);
    expect(flood.messages.filter((m) => m.type === 'pong').length).toBeLessThanOrEqual(10);
    expect(polite.closed).toBeNull();
    await allClosed();
  });
});

describe('caps', () => {
  it('refuses a third socket of one key with 1013 (retry), and admits it again once one closes', async () => {
    const first = connect(demo.keys.viewer, '?since=0');
    const second = connect(demo.keys.viewer, '?since=0');
    await opened(first);
    await opened(second);
    await waitFor(() => liveHubOf(app).clientCount === 2, 'two sockets');
    const third = connect(demo.keys.viewer, '?since=0');
    await third.until(() => third.closed !== null, 15_000, 'close');
    expect(third.closed).toMatchObject({ code: 1013 });
    expect(third.closed!.reason).toMatch(/key/);
    first.close();
    await first.until(() => first.closed !== null);
    await waitFor(() => liveHubOf(app).clientCount === 1, 'one socket');
    const fourth = connect(demo.keys.viewer, '?since=0');
    await fourth.until(() => fourth.events().length > 0, 30_000, 'events');
    expect(fourth.closed).toBeNull();
    await allClosed();
  });

  it('refuses sockets past the tenant cap with 1013', async () => {
    const keys = [demo.keys.viewer, demo.keys.dispatcher, demo.keys.call_taker, demo.keys.admin];
    const admitted = keys.map((key) => connect(key, '?since=0'));
    for (const c of admitted) await opened(c);
    await waitFor(() => liveHubOf(app).clientCount === 4, 'four sockets');
    const fifth = connect(demo.keys.agency, '?since=0');
    await fifth.until(() => fifth.closed !== null, 15_000, 'close');
    expect(fifth.closed).toMatchObject({ code: 1013 });
    expect(fifth.closed!.reason).toMatch(/tenant/);
    await allClosed();
  });

  it('builds snapshots one at a time per tenant (the cap here), and every waiting socket gets its own', async () => {
    const keys = [demo.keys.viewer, demo.keys.dispatcher, demo.keys.call_taker, demo.keys.admin];
    const waiting = keys.map((key) => connect(key));
    for (const c of waiting)
      await c.until(() => c.messages.some((m) => m.type === 'snapshot'), 30_000, 'snapshot');
    for (const c of waiting) expect(c.closed).toBeNull();
    await allClosed();
  });
});

describe('limit primitives', () => {
  it('a gate admits `max` holders, queues the rest in order, and refuses past its queue', async () => {
    const gate = new Gate(2, 1);
    const a = await gate.enter(1000);
    const b = await gate.enter(1000);
    expect(gate.holders).toBe(2);
    const queued = gate.enter(60_000);
    expect(await gate.enter(60_000)).toBeNull(); // the queue (1) is full
    a!();
    const c = await queued;
    expect(c).not.toBeNull();
    expect(gate.holders).toBe(2);
    expect(await gate.enter(1)).toBeNull(); // waited, no permit came
    b!();
    c!();
    c!(); // releasing twice frees one permit only
    expect(gate.holders).toBe(0);
  });

  it('a frame budget allows bursts of twice the rate, then the rate', () => {
    const budget = new FrameBudget(5, 0);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (budget.take(0)) allowed++;
    expect(allowed).toBe(10);
    expect(budget.take(200)).toBe(true); // 0.2 s later: one more
    expect(budget.take(200)).toBe(false);
  });
});
