import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresDb } from '../src/db/postgres.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';
import { TestLiveClient } from './helpers/ws.js';

/**
 * Issue 18, finding 1: a live socket lives only as long as the access it was opened with.
 * Revocation and agency deactivation close sockets through the events' NOTIFY (the app here
 * polls once a minute and beats every five: only the notification can close them in time);
 * expiry and role changes, which no event announces, are caught by the heartbeat re-check.
 */
let t: TestDatabase;
let demo: SeededTenant;
/** Notification path only: no poll, no heartbeat within any test's wait. */
let app: FastifyInstance;
let base: string;
/** Heartbeat path: a re-check every 300 ms. */
let beating: FastifyInstance;
let beatingBase: string;
const clients: TestLiveClient[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db, { LIVE_POLL_MS: '60000', LIVE_HEARTBEAT_MS: '300000' });
  base = await listen(app);
  beating = await buildTestApp(t.db, { LIVE_POLL_MS: '60000', LIVE_HEARTBEAT_MS: '300' });
  beatingBase = await listen(beating);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await app?.close();
  await beating?.close();
  await t?.destroy();
});

function connect(url: string, key: string | null, query = ''): TestLiveClient {
  const client = new TestLiveClient(`${url}/v1/live${query}`, key ? bearer(key) : {});
  clients.push(client);
  return client;
}

async function newKey(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/keys',
    headers: bearer(demo.keys.admin),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function report(): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(demo.keys.call_taker),
    payload: {
      category: 'fire',
      description: 'kebakaran',
      location: { point: { lon: 112.72, lat: -7.45 } },
      reporter: { phone: '+6281234567890' },
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().incident.id;
}

/** Opens a socket and waits until it is streaming (it received a snapshot). */
async function streaming(url: string, key: string | null, query = ''): Promise<TestLiveClient> {
  const client = connect(url, key, query);
  await client.until(() => client.messages.some((m) => m.type === 'snapshot'), 15_000, 'snapshot');
  return client;
}

const closedWith = (client: TestLiveClient, code: number) =>
  client
    .until(() => client.closed !== null, 15_000, `close ${code}`)
    .then(() => {
      expect(client.closed!.code).toBe(code);
    });

describe('closing on access events (NOTIFY path)', () => {
  it('revoking a key closes its sockets with 4401; other sockets keep streaming', async () => {
    const key = await newKey({ name: 'Dispatcher desk 3', role: 'dispatcher' });
    const revoked = await streaming(base, key.secret);
    const bystander = await streaming(base, demo.keys.dispatcher);
    const res = await app.inject({
      method: 'POST',
      url: `/v1/admin/keys/${key.id}/revoke`,
      headers: bearer(demo.keys.admin),
    });
    expect(res.statusCode).toBe(200);
    await closedWith(revoked, 4401);
    expect(revoked.closed!.reason).toMatch(/revoked/);
    const afterwards = await report();
    await bystander.until(
      () => bystander.events().some((m) => (m.incident as { id?: string })?.id === afterwards),
      15_000,
      'bystander event',
    );
    expect(bystander.closed).toBeNull();
    // No event written after the revocation reached the revoked socket.
    expect(revoked.events().some((m) => (m.incident as { id?: string })?.id === afterwards)).toBe(false);
    const again = connect(base, key.secret);
    await closedWith(again, 4401);
  });

  it('deactivating an agency closes the sockets of its keys, opened by key or by live token', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/admin/agencies',
      headers: bearer(demo.keys.admin),
      payload: { code: 'BPBD-TEST', type: 'BPBD', kind: 'opd', name: 'BPBD uji' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const agencyId = created.json().id as string;
    const key = await newKey({ name: 'BPBD desk', role: 'agency', agencyId });
    const token = await app.inject({ method: 'POST', url: '/v1/live/tokens', headers: bearer(key.secret) });
    expect(token.statusCode).toBe(201);
    const byKey = await streaming(base, key.secret);
    const byToken = await streaming(base, null, `?token=${token.json().token}`);
    // The key is referenced, so DELETE deactivates the agency.
    const res = await app.inject({
      method: 'DELETE',
      url: `/v1/admin/agencies/${agencyId}`,
      headers: bearer(demo.keys.admin),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deleted).toBe(false);
    await closedWith(byKey, 4401);
    await closedWith(byToken, 4401);
    const tokenAgain = connect(base, null, `?token=${token.json().token}`);
    await closedWith(tokenAgain, 4401);
  });

  it.runIf(inject('testBackend').kind === 'postgres')(
    'a revocation through one instance closes the sockets on another (NOTIFY across instances)',
    async () => {
      const dbB = await openPostgresDb({ url: t.url!, poolMax: 3, connectTimeoutMs: 5000 });
      const appB = await buildTestApp(dbB, { LIVE_POLL_MS: '60000', LIVE_HEARTBEAT_MS: '300000' });
      const baseB = await listen(appB);
      try {
        const key = await newKey({ name: 'Wall-board B', role: 'viewer' });
        const onB = await streaming(baseB, key.secret);
        const res = await app.inject({
          method: 'POST',
          url: `/v1/admin/keys/${key.id}/revoke`,
          headers: bearer(demo.keys.admin),
        });
        expect(res.statusCode).toBe(200);
        await closedWith(onB, 4401);
      } finally {
        await appB.close();
        await dbB.close();
      }
    },
  );
});

describe('re-checking at each heartbeat', () => {
  it('closes a socket whose key expired', async () => {
    const key = await newKey({
      name: 'Temporary board',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const client = await streaming(beatingBase, key.secret);
    // Bring the expiry forward rather than wait for it.
    await t.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
    await closedWith(client, 4401);
    const again = connect(beatingBase, key.secret);
    await closedWith(again, 4401);
  });

  it('closes a socket whose key changed role (a dispatcher key demoted to viewer)', async () => {
    const key = await newKey({ name: 'Desk 9', role: 'dispatcher' });
    const client = await streaming(beatingBase, key.secret);
    const untouched = await streaming(beatingBase, demo.keys.viewer);
    await t.db.query(`UPDATE api_keys SET role = 'viewer' WHERE id = $1`, [key.id]);
    await closedWith(client, 4401);
    // Several heartbeats later the unchanged key is still streaming.
    const keepalives = () => untouched.messages.filter((m) => m.type === 'keepalive').length;
    const seen = keepalives();
    await untouched.until(() => keepalives() >= seen + 3, 15_000, 'three more keepalives');
    expect(untouched.closed).toBeNull();
  });

  it('refuses an expiry in the past when creating a key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: bearer(demo.keys.admin),
      payload: { name: 'Late', role: 'viewer', expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('/body/expiresAt');
  });
});

describe('authentication the server could not complete', () => {
  it.runIf(inject('testBackend').kind === 'postgres')(
    'closes with 1013 (retry), not 4401, when the pool has no connection for the key look-up',
    async () => {
      const dbC = await openPostgresDb({
        url: t.url!,
        poolMax: 1,
        connectTimeoutMs: 5000,
        acquireTimeoutMs: 200,
      });
      const appC = await buildTestApp(dbC);
      const baseC = await listen(appC);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let holding!: () => void;
      const isHolding = new Promise<void>((resolve) => {
        holding = resolve;
      });
      const holder = dbC.transaction(async () => {
        holding();
        await held;
      });
      try {
        await isHolding;
        const client = connect(baseC, demo.keys.viewer);
        await closedWith(client, 1013);
      } finally {
        release();
        await holder;
        await appC.close();
        await dbC.close();
      }
    },
  );
});
