import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';
import { TestLiveClient } from './helpers/ws.js';

/** Issue 18, finding 6: caches, logs, the docs page and call events under live filters. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe('caches', () => {
  it('marks /v1 responses (caller numbers included) Cache-Control: no-store, errors too', async () => {
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: '081311112222' },
    });
    expect(call.statusCode).toBe(201);
    expect(call.headers['cache-control']).toBe('no-store');
    for (const url of ['/v1/calls', '/v1/incidents', '/v1/units']) {
      const res = await app.inject({ url, headers: bearer(demo.keys.dispatcher) });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const refused = await app.inject({ url: '/v1/calls' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });
});

describe('the docs page', () => {
  it('carries a Content-Security-Policy', async () => {
    const res = await app.inject({ url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/script-src/);
  });
});

describe('logs', () => {
  it('never write a live token (?token=slt_…) from the URL', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const config = loadConfig({
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      MAX_HEAP_MB: '65536',
    });
    const logged = await buildApp({
      config,
      db: t.db,
      capabilities: await t.db.detectCapabilities(),
      logger: { level: 'info', stream },
    });
    try {
      const base = await listen(logged);
      const issued = await logged.inject({
        method: 'POST',
        url: '/v1/live/tokens',
        headers: bearer(demo.keys.viewer),
      });
      const { token } = issued.json() as { token: string };
      const client = new TestLiveClient(`${base}/v1/live?token=${token}`);
      await client.until(() => client.messages.some((m) => m.type === 'snapshot'), 15_000, 'snapshot');
      client.close();
      await logged.inject({ url: `/v1/events?token=${token}&since=0` });
      const log = lines.join('');
      expect(log).toContain('/v1/live?token=[redacted]');
      expect(log).not.toContain(token);
      expect(log).not.toContain(demo.keys.viewer);
    } finally {
      await logged.close();
    }
  });
});

describe('call events under live filters', () => {
  it('are in the unfiltered stream and not in one narrowed by agency, category, priority or area', async () => {
    const head = (await app.inject({ url: '/v1/events', headers: bearer(demo.keys.dispatcher) })).json().seq;
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: '081322223333' },
    });
    expect(call.statusCode).toBe(201);
    const types = async (query: string) =>
      (await app.inject({ url: `/v1/events?since=${head}${query}`, headers: bearer(demo.keys.dispatcher) }))
        .json()
        .items.map((m: { type: string }) => m.type);
    expect(await types('')).toContain('call.logged');
    for (const filter of [
      `&agency=${demo.agencies['DAMKAR-SDA'] ?? Object.values(demo.agencies)[0]}`,
      '&categories=fire',
      '&priorities=P1',
      '&bbox=112,-8,113,-7',
    ]) {
      expect(await types(filter), filter).toEqual([]);
    }
  });
});
