import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/index.js';
import { openPostgresDb } from '../src/db/postgres.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * A database outage, staged with a TCP relay between the server and PostgreSQL that the test
 * can cut and restore (the full outage drill with a PostgreSQL of its own is in test/reliability).
 */
class Relay {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = tcpConnect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

const describeOnPostgres = describe.runIf(process.env.TEST_DATABASE_URL);

describeOnPostgres('database outage', () => {
  let t: TestDatabase;
  let demo: SeededTenant;
  let relay: Relay;
  let db: Db;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestDatabase();
    demo = await seedDemoTenant(t.db);
    const target = new URL(t.url!);
    relay = new Relay(
      { host: target.hostname, port: Number(target.port || 5432) },
      20_000 + (process.pid % 10_000),
    );
    await relay.up();
    const viaRelay = new URL(t.url!);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    db = await openPostgresDb({
      url: viaRelay.toString(),
      poolMax: 4,
      connectTimeoutMs: 2000,
      acquireTimeoutMs: 1000,
    });
    app = await buildTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close().catch(() => {});
    await relay?.down();
    await t?.destroy();
  });

  const report = () =>
    app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: { category: 'fire', description: 'uji', location: { point: { lon: 112.72, lat: -7.45 } } },
    });

  it('answers 503 with Retry-After within a second while the database is gone, and recovers by itself', async () => {
    expect((await report()).statusCode).toBe(201);
    await relay.down();

    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await report();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('SIGAP_ERR_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', database: 'down' });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);

    await relay.up();
    let recovered = 0;
    for (let i = 0; i < 20 && recovered === 0; i++) {
      if ((await report()).statusCode === 201) recovered++;
      else await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered).toBe(1);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
