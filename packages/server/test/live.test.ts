import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../src/audit/events.js';
import { SYSTEM_ACTOR } from '../src/auth/principal.js';
import { openPostgresDb } from '../src/db/postgres.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';
import { type LiveMessage, TestLiveClient } from './helpers/ws.js';

let t: TestDatabase;
let app: FastifyInstance;
let base: string;
let demo: SeededTenant;
let other: SeededTenant;
const clients: TestLiveClient[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  // A 2 MB send buffer (the default is 4 MB) so a slow client is cut off within seconds;
  // frequent polls to heal lost NOTIFYs; frequent keepalives so tests can wait for the head.
  app = await buildTestApp(t.db, {
    LIVE_MAX_BUFFERED_BYTES: '2097152',
    LIVE_POLL_MS: '200',
    LIVE_HEARTBEAT_MS: '1000',
  });
  base = await listen(app);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await app?.close();
  await t?.destroy();
});

function connect(key: string | null, query = '', url = base): TestLiveClient {
  const client = new TestLiveClient(`${url}/v1/live${query}`, key ? bearer(key) : {});
  clients.push(client);
  return client;
}

async function report(key: string, extra: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(key),
    payload: {
      category: 'fire',
      description: 'kebakaran',
      location: { point: { lon: 112.72, lat: -7.45 } },
      reporter: { phone: '+6281234567890' },
      ...extra,
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().incident as { id: string; seq: number };
}

async function maxSeq(tenantId = demo.tenantId): Promise<number> {
  const { rows } = await t.db.query<{ s: number }>(
    'SELECT coalesce(max(seq), 0)::int AS s FROM events WHERE tenant_id = $1',
    [tenantId],
  );
  return rows[0]!.s;
}

async function incidentEventSeqs(after: number): Promise<number[]> {
  const { rows } = await t.db.query<{ seq: number }>(
    'SELECT seq::int FROM events WHERE tenant_id = $1 AND seq > $2 AND incident_id IS NOT NULL ORDER BY seq',
    [demo.tenantId, after],
  );
  return rows.map((r) => r.seq);
}

describe('connecting', () => {
  it('closes an unauthenticated connection with 4401 and a reason', async () => {
    const client = connect(null);
    await client.until(() => client.closed !== null);
    expect(client.closed).toMatchObject({ code: 4401 });
    expect(client.closed!.reason).toMatch(/API key|token/);
  });

  it('closes with 4400 naming a bad parameter', async () => {
    const client = connect(demo.keys.viewer, '?since=abc');
    await client.until(() => client.closed !== null);
    expect(client.closed).toMatchObject({ code: 4400, reason: 'since must be a non-negative integer' });
  });

  it('answers a plain HTTP GET with 426, and 401 without a key', async () => {
    expect((await app.inject({ url: '/v1/live', headers: bearer(demo.keys.viewer) })).statusCode).toBe(426);
    expect((await app.inject({ url: '/v1/live' })).statusCode).toBe(401);
  });

  it('opens with a short-lived token from POST /v1/live/tokens (browsers cannot send headers)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/live/tokens',
      headers: bearer(demo.keys.viewer),
    });
    expect(res.statusCode).toBe(201);
    const { token, url } = res.json();
    expect(url).toBe(`/v1/live?token=${token}`);
    const client = connect(null, `?token=${token}`);
    await client.until(() => client.messages.some((m) => m.type === 'snapshot'));
    const forged = connect(null, '?token=slt_forged');
    await forged.until(() => forged.closed !== null);
    expect(forged.closed!.code).toBe(4401);
  });
});

describe('snapshot, then live', () => {
  it('sends open incidents with the current seq, then every change, with phones masked for viewers', async () => {
    const before = await report(demo.keys.call_taker);
    const client = connect(demo.keys.viewer);
    await client.until(() => client.messages.some((m) => m.type === 'snapshot'), 60_000, 'snapshot');
    const snapshot = client.messages.find((m) => m.type === 'snapshot')!;
    expect(snapshot.seq).toBe(await maxSeq());
    const listed = snapshot.incidents as { id: string; reporter: { phone: string } }[];
    expect(listed.map((i) => i.id)).toContain(before.id);
    expect(listed.find((i) => i.id === before.id)!.reporter.phone).toBe('+62812*****890');

    const created = await report(demo.keys.call_taker);
    await client.until(
      () => client.events().some((m) => (m.incident as { id: string })?.id === created.id),
      60_000,
      'event',
    );
    const message = client.events().find((m) => (m.incident as { id: string })?.id === created.id)!;
    expect(message).toMatchObject({ type: 'incident.created', seq: created.seq });
    expect((message.incident as { reporter: { phone: string } }).reporter.phone).toBe('+62812*****890');
    expect(JSON.stringify(message)).not.toContain('1234567890');
  });
});

describe('resume with since', () => {
  it('replays every event after since, then continues live: each exactly once and in order, under concurrent writes', async () => {
    await report(demo.keys.call_taker);
    const since = await maxSeq();
    // Writers keep going while the client connects and catches up.
    const writing = (async () => {
      for (let i = 0; i < 30; i++) await report(i % 2 ? demo.keys.call_taker : demo.keys.integrator);
    })();
    await new Promise((r) => setTimeout(r, 50));
    const client = connect(demo.keys.dispatcher, `?since=${since}`);
    await writing;
    const expected = await incidentEventSeqs(since);
    expect(expected.length).toBeGreaterThanOrEqual(30);
    await client.until(() => client.events().length >= expected.length, 15_000, `${expected.length} events`);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    expect(client.events().map((m) => m.seq)).toEqual(expected);
  });
});

describe('roles and filters', () => {
  it('shows an agency only incidents assigned to it, and an integrator only its own', async () => {
    const agency = connect(demo.keys.agency, `?since=${await maxSeq()}`);
    const integrator = connect(demo.keys.integrator, `?since=${await maxSeq()}`);
    const neighbour = connect(other.keys.dispatcher, `?since=0`);
    const mine = await report(demo.keys.integrator);
    const theirs = await report(demo.keys.call_taker);
    await app.inject({
      method: 'POST',
      url: `/v1/incidents/${theirs.id}/dispatch`,
      headers: bearer(demo.keys.dispatcher),
      payload: { assignments: [{ agencyId: demo.agencies['DAMKAR-SDA'] }] },
    });
    const last = await maxSeq();
    for (const c of [agency, integrator]) {
      await c.until(
        () => c.messages.some((m) => m.type === 'keepalive' && m.seq >= last),
        60_000,
        'keepalive at head',
      );
    }
    const ids = (c: TestLiveClient) => new Set(c.events().map((m) => (m.incident as { id: string }).id));
    expect([...ids(agency)]).toEqual([theirs.id]); // only once assigned to Damkar
    expect(agency.events().map((m) => m.type)).toContain('assignment.created');
    expect([...ids(integrator)]).toEqual([mine.id]);
    expect((integrator.events()[0]!.incident as { reporter: { phone: string } }).reporter.phone).toContain(
      '*',
    );
    expect(neighbour.events()).toEqual([]);
  });

  it('applies category, priority and bbox filters', async () => {
    const client = connect(
      demo.keys.dispatcher,
      `?since=${await maxSeq()}&categories=flood&priorities=P1&bbox=112.7,-7.5,112.8,-7.4`,
    );
    const inside = await report(demo.keys.call_taker, { category: 'flood' });
    await report(demo.keys.call_taker, { category: 'fire' });
    await report(demo.keys.call_taker, {
      category: 'flood',
      location: { point: { lon: 112.5, lat: -7.45 } },
    });
    await report(demo.keys.call_taker, { category: 'flood', priority: 'P2' });
    const last = await maxSeq();
    await client.until(
      () => client.messages.some((m) => m.type === 'keepalive' && m.seq >= last),
      60_000,
      'keepalive at head',
    );
    expect(client.events().map((m) => (m.incident as { id: string }).id)).toEqual([inside.id]);
  });
});

describe('units and calls on the stream', () => {
  it('carries unit positions with the unit, and calls (masked) only to roles that read calls', async () => {
    const since = await maxSeq();
    const viewer = connect(demo.keys.viewer, `?since=${since}`);
    const integrator = connect(demo.keys.integrator, `?since=${since}`);
    const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM units WHERE code = 'DAMKAR-SDA-01'`);
    const unitId = rows[0]!.id;
    const moved = await app.inject({
      method: 'POST',
      url: `/v1/units/${unitId}/position`,
      headers: bearer(demo.keys.dispatcher),
      payload: { lon: 112.73, lat: -7.45 },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: '081298765432', outcome: 'prank' },
    });
    expect(call.statusCode, call.body).toBe(201);
    const last = await maxSeq();
    for (const c of [viewer, integrator]) {
      await c.until(
        () => c.messages.some((m) => m.type === 'keepalive' && m.seq >= last),
        60_000,
        'keepalive at head',
      );
    }
    const position = viewer.events().find((m) => m.type === 'unit.position')!;
    expect(position.unit).toMatchObject({ id: unitId, location: { lon: 112.73, lat: -7.45 } });
    const logged = viewer.events().find((m) => m.type === 'call.logged')!;
    expect(logged.call).toMatchObject({ outcome: 'prank' });
    expect(JSON.stringify(logged)).not.toContain('98765432');
    expect(integrator.events()).toEqual([]);
  });
});

describe('slow consumers', () => {
  // Its own server with slow heartbeats: a paused client must be cut off for being slow, not
  // dropped as a dead peer when a loaded machine stretches the test past a heartbeat.
  let slowApp: FastifyInstance;
  let slowBase: string;
  beforeAll(async () => {
    slowApp = await buildTestApp(t.db, {
      LIVE_MAX_BUFFERED_BYTES: '2097152',
      LIVE_POLL_MS: '200',
      LIVE_HEARTBEAT_MS: '300000',
    });
    slowBase = await listen(slowApp);
  });
  afterAll(() => slowApp?.close());

  it('cuts off a client that stops reading with 4000 and its resume point, without slowing the others', async () => {
    const big = await report(demo.keys.call_taker, { description: 'x'.repeat(4000) });
    const since = await maxSeq();
    const slow = connect(demo.keys.dispatcher, `?since=${since}`, slowBase);
    // The reading client behaves as the SDK does: if a loaded machine makes even it fall
    // behind (4000), it resumes from the point it was given. What is judged is that it gets
    // every event exactly once, whatever the slow client does.
    let healthy = connect(demo.keys.dispatcher, `?since=${since}`, slowBase);
    const healthySeqs: number[] = [];
    const readAll = async (count: number) => {
      for (let round = 0; round < 50; round++) {
        await healthy.until(
          () => healthySeqs.length + healthy.events().length >= count || healthy.closed !== null,
          120_000,
          `${count} events`,
        );
        const seqs = healthy.events().map((m) => m.seq);
        if (healthySeqs.length + seqs.length >= count) return void healthySeqs.push(...seqs);
        expect(healthy.closed!.code).toBe(4000);
        healthySeqs.push(...seqs);
        const from = Number(/since=(\d+)/.exec(healthy.closed!.reason)?.[1]);
        healthy = connect(demo.keys.dispatcher, `?since=${from}`, slowBase);
      }
    };
    await slow.until(() => slow.socket.readyState === slow.socket.OPEN);
    await healthy.until(() => healthy.socket.readyState === healthy.socket.OPEN);
    // The slow client stops reading from its socket: the server's send buffer for it grows.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    // 3,000 events about the big incident, about 5 kB each: far more than the kernel buffers hold.
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 3000; i++) {
        await appendEvent(tx, demo.tenantId, {
          type: 'incident.load_test',
          actor: SYSTEM_ACTOR,
          incidentId: big.id,
          payload: { i },
        });
      }
    });
    await readAll(3000);
    expect(healthySeqs).toEqual(Array.from({ length: 3000 }, (_, i) => since + 1 + i));
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.until(() => slow.closed !== null, 120_000, 'slow client closed');
    expect(slow.closed!.code).toBe(4000);
    const resumeFrom = Number(/since=(\d+)/.exec(slow.closed!.reason)?.[1]);
    expect(resumeFrom).toBeGreaterThanOrEqual(since);
    // What it received before the cut is exactly the stream up to its resume point.
    const got = slow.events().map((m) => m.seq);
    expect(got).toEqual(Array.from({ length: resumeFrom - since }, (_, i) => since + 1 + i));
    // Reconnecting with that point delivers the rest, exactly once.
    const again = connect(demo.keys.dispatcher, `?since=${resumeFrom}`, slowBase);
    await again.until(() => again.events().length >= 3000 - got.length, 120_000, 'the rest');
    expect([...got, ...again.events().map((m) => m.seq)]).toEqual(healthySeqs);
  }, 600_000);
});

describe('polling (GET /v1/events)', () => {
  it('gives the same messages as the WebSocket, by position, for clients without WebSockets', async () => {
    const head = (await app.inject({ url: '/v1/events', headers: bearer(demo.keys.viewer) })).json();
    expect(head).toEqual({ items: [], seq: await maxSeq(), more: false });
    const ws = connect(demo.keys.viewer, `?since=${head.seq}`);
    const created = await report(demo.keys.call_taker);
    await ws.until(
      () => ws.events().some((m) => (m.incident as { id: string }).id === created.id),
      60_000,
      'ws event',
    );
    const polled = (
      await app.inject({ url: `/v1/events?since=${head.seq}`, headers: bearer(demo.keys.viewer) })
    ).json();
    expect(polled.items).toEqual(ws.events());
    expect(polled.seq).toBe(await maxSeq());
    const bad = await app.inject({
      url: '/v1/events?since=1&priorities=P7',
      headers: bearer(demo.keys.viewer),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('/query/priorities');
  });
});

describe('heartbeats', () => {
  it('drop a peer that stops answering pings', async () => {
    const client = connect(demo.keys.viewer);
    await client.until(() => client.messages.some((m) => m.type === 'snapshot'));
    const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause(); // no pongs from here on (LIVE_HEARTBEAT_MS is 1 s in this file)
    await new Promise((r) => setTimeout(r, 3500));
    raw.resume();
    await client.until(() => client.closed !== null, 60_000, 'terminated');
    expect(client.closed!.code).toBe(1006); // terminated without a close frame: the peer was dead
  });

  it('keep a live peer, sending keepalives with its position', async () => {
    const client = connect(demo.keys.viewer);
    await client.until(
      () => client.messages.filter((m) => m.type === 'keepalive').length >= 2,
      60_000,
      'keepalives',
    );
    expect(client.closed).toBeNull();
    expect(client.messages.find((m) => m.type === 'keepalive')!.seq).toBeGreaterThan(0);
  });
});

describe('several server instances', () => {
  it.runIf(process.env.TEST_DATABASE_URL)(
    'deliver an event committed through instance A to clients of instance B, in seq order',
    async () => {
      const dbB = await openPostgresDb({ url: t.url!, poolMax: 3, connectTimeoutMs: 5000 });
      const appB = await buildTestApp(dbB, { LIVE_POLL_MS: '60000' }); // NOTIFY alone must carry it
      const baseB = await listen(appB);
      try {
        const since = await maxSeq();
        const onA = connect(demo.keys.dispatcher, `?since=${since}`);
        const onB = connect(demo.keys.dispatcher, `?since=${since}`, baseB);
        await onB.until(() => onB.socket.readyState === onB.socket.OPEN);
        await new Promise((r) => setTimeout(r, 200));
        for (let i = 0; i < 10; i++) await report(demo.keys.call_taker);
        const expected = await incidentEventSeqs(since);
        await onB.until(() => onB.events().length >= expected.length, 60_000, 'events on B');
        await onA.until(() => onA.events().length >= expected.length, 60_000, 'events on A');
        expect(onB.events().map((m: LiveMessage) => m.seq)).toEqual(expected);
        expect(onA.events().map((m: LiveMessage) => m.seq)).toEqual(expected);
      } finally {
        await appB.close();
        await dbB.close();
      }
    },
  );
});

describe('authentication while the database is busy', () => {
  it.runIf(process.env.TEST_DATABASE_URL)(
    'closes with 1013 (come back later), never 4401, when the key cannot be checked; the same key then connects',
    async () => {
      // One pooled connection, held by a transaction: the key look-up cannot get a connection.
      const dbBusy = await openPostgresDb({
        url: t.url!,
        poolMax: 1,
        connectTimeoutMs: 5000,
        acquireTimeoutMs: 300,
      });
      const appBusy = await buildTestApp(dbBusy, { LIVE_POLL_MS: '60000' });
      const baseBusy = await listen(appBusy);
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const holding = dbBusy.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await held;
      });
      try {
        const refused = connect(demo.keys.viewer, '', baseBusy);
        await refused.until(() => refused.closed !== null, 30_000, 'the close');
        expect(refused.closed!.code).toBe(1013);
        expect(refused.closed!.reason).toContain('since');

        release();
        await holding;
        const accepted = connect(demo.keys.viewer, '', baseBusy);
        await accepted.until(
          () => accepted.messages.some((m) => m.type === 'snapshot' || m.type === 'keepalive'),
          30_000,
          'the stream',
        );
        expect(accepted.closed).toBeNull();
      } finally {
        release();
        await holding.catch(() => undefined);
        await appBusy.close();
        await dbBusy.close();
      }
    },
    90_000,
  );
});
