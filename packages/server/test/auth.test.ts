import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/auth/keys.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

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

describe('API keys', () => {
  it('are stored only as hashes', async () => {
    const { rows } = await t.db.query<{ key_hash: Uint8Array; key_prefix: string }>(
      'SELECT key_hash, key_prefix FROM api_keys WHERE tenant_id = $1',
      [demo.tenantId],
    );
    const stored = rows.map((r) => Buffer.from(r.key_hash).toString('hex'));
    for (const secret of Object.values(demo.keys)) {
      expect(stored).toContain(hashApiKey(secret).toString('hex'));
      expect(JSON.stringify(rows)).not.toContain(secret);
    }
  });

  it('record when they were last used', async () => {
    await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.viewer) });
    await new Promise((r) => setTimeout(r, 200)); // written off the request's path
    const { rows } = await t.db.query<{ last_used_at: Date | null }>(
      `SELECT last_used_at FROM api_keys WHERE key_hash = $1`,
      [hashApiKey(demo.keys.viewer)],
    );
    expect(rows[0]!.last_used_at).not.toBeNull();
  });

  it('of an agency stop working when the agency is deactivated', async () => {
    expect(
      (await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.agencyPsc) })).statusCode,
    ).toBe(200);
    await t.db.query(`UPDATE agencies SET active = false WHERE code = 'PSC119-SDA'`);
    try {
      expect(
        (await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.agencyPsc) })).statusCode,
      ).toBe(401);
    } finally {
      await t.db.query(`UPDATE agencies SET active = true WHERE code = 'PSC119-SDA'`);
    }
  });
});
