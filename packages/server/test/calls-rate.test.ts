import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  await t.db.query(`UPDATE tenants SET settings = '{"callerRateLimitPerMinute": 3}'::jsonb WHERE id = $1`, [
    demo.tenantId,
  ]);
  app = await buildTestApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const log = (callerNumber: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/calls',
    headers: bearer(demo.keys.integrator),
    payload: { channel: 'app', callerNumber },
  });

describe('per-caller-number rate limit', () => {
  it('refuses a number flooding the line with 429 and Retry-After, and only that number', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await log('081355550001')).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await log('+62 813-5555-0001'); // the same number, written differently
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('SIGAP_ERR_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await log('081355550002')).statusCode).toBe(201);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM calls WHERE caller_e164 = '+6281355550001'`,
    );
    expect(rows[0]!.n).toBe(3); // refused calls write nothing
  });

  it('holds under concurrency: 60 simultaneous calls from one number store exactly the limit', async () => {
    await t.db.query(
      `UPDATE tenants SET settings = settings || '{"callerRateLimitPerMinute": 20}'::jsonb WHERE id = $1`,
      [demo.tenantId],
    );
    const results = await Promise.all(Array.from({ length: 60 }, () => log('081355550060')));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM calls WHERE caller_e164 = '+6281355550060'`,
    );
    expect(rows[0]!.n).toBe(20);
  }, 120_000);

  it('gives calls without a usable number their own shared budget', async () => {
    await t.db.query(
      `UPDATE tenants SET settings = settings || '{"anonymousCallRateLimitPerMinute": 2}'::jsonb WHERE id = $1`,
      [demo.tenantId],
    );
    const statuses = [];
    for (const n of ['anonymous', 'private', '112', 'x']) statuses.push((await log(n)).statusCode);
    expect(statuses).toEqual([201, 201, 429, 429]);
    const limited = await log('withheld');
    expect(limited.json().message).toContain('without a caller number');
    // A real number is not affected by the anonymous budget.
    expect((await log('081355550003')).statusCode).toBe(201);
  });
});
