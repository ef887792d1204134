/**
 * Not blockable by one client: slow request bodies hold nothing, each client has a cap on
 * requests in progress and on open connections, unknown keys cost no look-up past a budget.
 * Outcomes only (who gets 200, 408, 429 or 503): no timing is asserted, so a loaded machine
 * cannot fail these; every wait has a generous deadline that only catches a hang.
 */
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

let t: TestDatabase;
let demo: SeededTenant;
let other: SeededTenant;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await t?.destroy();
});

/** A raw connection that sends `text` and collects what comes back. */
function rawClient(
  base: string,
  text: string,
): { socket: Socket; received: () => string; closed: Promise<void> } {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let data = '';
  socket.on('data', (chunk) => {
    data += chunk.toString('utf8');
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(text);
  return { socket, received: () => data, closed };
}

/** A POST whose headers promise 1,000 bytes of body, of which only 10 are sent. */
const partialPost = (key: string) =>
  `POST /v1/live/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
  'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"1234';

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('slow request bodies', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = await buildTestApp(t.db, {
      MAX_IN_FLIGHT: '5',
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      REQUEST_TIMEOUT_MS: '3000',
    });
    base = await listen(app);
  });
  afterAll(() => app.close());

  it('hold no capacity: another tenant is served while 50 connections dribble their bodies', async () => {
    const slow = Array.from({ length: 50 }, () => rawClient(base, partialPost(demo.keys.viewer)));
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${base}/v1/tenant`, { headers: bearer(other.keys.viewer) });
      expect(res.status).toBe(200);
    }
    // ...and every one of them is cut with a 408 once the request timeout has passed.
    await until('every slow request answered', () => slow.every((c) => c.received().length > 0));
    for (const c of slow) expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  }, 120_000);
});

describe('requests in progress per client', () => {
  it('are capped: the client past its cap gets 429, others go on, and the cap frees up', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '100000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      MAX_REQUESTS_PER_CLIENT: '2',
      WORK_SLOTS: '16',
    });
    const app = await buildApp({
      config,
      db: t.db,
      capabilities: await t.db.detectCapabilities(),
      logger: false,
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    app.get('/v1/test/gate', { config: { roles: ['viewer'] } }, async () => {
      await gate;
      return { ok: true };
    });
    await app.ready();
    try {
      const held = [1, 2].map(() => app.inject({ url: '/v1/test/gate', headers: bearer(demo.keys.viewer) }));
      await new Promise((r) => setTimeout(r, 100));
      const third = await app.inject({ url: '/v1/test/gate', headers: bearer(demo.keys.viewer) });
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ code: 'SIGAP_ERR_RATE_LIMITED' });
      expect(third.headers['retry-after']).toBe('1');
      const neighbour = await app.inject({ url: '/v1/tenant', headers: bearer(other.keys.viewer) });
      expect(neighbour.statusCode).toBe(200);
      open();
      expect((await Promise.all(held)).map((r) => r.statusCode)).toEqual([200, 200]);
      const again = await app.inject({ url: '/v1/test/gate', headers: bearer(demo.keys.viewer) });
      expect(again.statusCode).toBe(200);
    } finally {
      open();
      await app.close();
    }
  }, 60_000);
});

describe('open connections per address', () => {
  it('are capped with a 503 in the documented shape; a closed one makes room', async () => {
    const app = await buildTestApp(t.db, { MAX_CONNECTIONS_PER_ADDRESS: '3' });
    const base = await listen(app);
    try {
      const idle = [1, 2, 3].map(() => rawClient(base, ''));
      await new Promise((r) => setTimeout(r, 200));
      const refused = rawClient(base, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await refused.closed;
      expect(refused.received()).toMatch(/^HTTP\/1\.1 503 /);
      const body = JSON.parse(refused.received().split('\r\n\r\n')[1]!);
      expect(body).toMatchObject({ code: 'SIGAP_ERR_UNAVAILABLE' });
      expect(body.requestId).toEqual(expect.any(String));

      idle[0]!.socket.destroy();
      await idle[0]!.closed;
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        const c = rawClient(base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
        await c.closed;
        status = Number(/^HTTP\/1\.1 (\d+)/.exec(c.received())?.[1] ?? 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await app.close();
    }
  }, 60_000);
});

describe('unknown API keys', () => {
  it('are limited per address, not per made-up key, and cost no look-up past the budget', async () => {
    const app = await buildTestApp(t.db, { MAX_AUTH_FAILURES_PER_MINUTE: '3' });
    try {
      // A key that works is remembered and is never caught by the budget.
      expect((await app.inject({ url: '/v1/tenant', headers: bearer(demo.keys.viewer) })).statusCode).toBe(
        200,
      );
      const made = (i: number) => ({ authorization: `Bearer sgp_${'x'.repeat(30)}${i}` });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await app.inject({ url: '/v1/tenant', headers: made(i) })).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
      const limited = await app.inject({ url: '/v1/tenant', headers: made(99) });
      expect(limited.json()).toMatchObject({ code: 'SIGAP_ERR_RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await app.inject({ url: '/v1/tenant', headers: bearer(demo.keys.viewer) })).statusCode).toBe(
        200,
      );
    } finally {
      await app.close();
    }
  });
});
