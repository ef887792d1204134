import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trailAnchors, verifyChains } from '../src/audit/chain.js';
import { verifyTrails } from '../src/commands/tenants.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/**
 * Issue 18, finding 4: tampering by someone who bypasses the immutability trigger (a database
 * superuser with session_replication_role = replica) is found by `sigap verify`, which names the
 * first broken seq; rewriting the whole chain is found against an anchor kept outside.
 */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let incidentId: string | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: {
        category: 'fire',
        description: `Rumah terbakar ${i}`,
        location: { point: { lon: 112.72, lat: -7.45 } },
        reporter: { name: 'Budi', phone: '+6281234567890' },
      },
    });
    expect(res.statusCode).toBe(201);
    incidentId ??= res.json().incident.id; // the first: events follow it
  }
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

/** Runs SQL as a superuser with triggers off: what the immutability trigger cannot stop. */
async function bypass(sql: string, values: unknown[] = []) {
  await t.db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, values);
  });
}

/** The stored hash of the event before `e` (null for a tenant's first event). */
const PREVIOUS_HASH = '(SELECT p.hash FROM events p WHERE p.tenant_id = e.tenant_id AND p.seq = e.seq - 1)';

interface Row {
  seq: number;
  type: string;
  actor: unknown;
  /** As text: a JavaScript Date would drop the microseconds the hash covers. */
  at: string;
  payload: Record<string, unknown>;
  hash: Buffer;
}

async function eventRow(seq: number): Promise<Row> {
  const { rows } = await t.db.query<Row>(
    'SELECT seq::int AS seq, type, actor, at::text AS at, payload, hash FROM events WHERE tenant_id = $1 AND seq = $2',
    [demo.tenantId, seq],
  );
  return rows[0]!;
}

async function restore(row: Row) {
  await bypass(
    `UPDATE events SET type = $3, actor = $4::jsonb, at = $5::timestamptz, payload = $6::jsonb, hash = $7
      WHERE tenant_id = $1 AND seq = $2`,
    [
      demo.tenantId,
      row.seq,
      row.type,
      JSON.stringify(row.actor),
      row.at,
      JSON.stringify(row.payload),
      row.hash,
    ],
  );
}

async function createdSeq(): Promise<number> {
  const { rows } = await t.db.query<{ seq: number }>(
    `SELECT seq::int AS seq FROM events WHERE tenant_id = $1 AND incident_id = $2 AND type = 'incident.created'`,
    [demo.tenantId, incidentId],
  );
  return rows[0]!.seq;
}

async function firstBreak(): Promise<{ seq: number; problem: string } | undefined> {
  const { breaks } = await verifyChains(t.db);
  return breaks.find((b) => b.tenantId === demo.tenantId);
}

describe('the chain', () => {
  it('holds for a trail written by the application, on every tenant', async () => {
    const { events, breaks } = await verifyChains(t.db);
    expect(breaks).toEqual([]);
    expect(events).toBeGreaterThanOrEqual(3);
    const { mismatches } = await verifyTrails(t.db);
    expect(mismatches).toEqual([]);
  });

  it('is computed by the database: a hash sent by the client is replaced', async () => {
    const { rows } = await t.db.query<{ hash: string }>(
      `SELECT encode(hash, 'hex') AS hash FROM events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
      [demo.tenantId],
    );
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await firstBreak()).toBeUndefined();
  });
});

describe('tampering with the trigger bypassed', () => {
  const edits: [string, string][] = [
    ['a changed description', `payload = jsonb_set(payload, '{description}', '"Laporan palsu"')`],
    ['a changed caller number', `payload = jsonb_set(payload, '{reporter,phone}', '"+6289999999999"')`],
    ['a changed actor', `actor = jsonb_set(actor, '{name}', '"Someone else"')`],
    ['a changed time', `at = at - interval '1 hour'`],
  ];
  for (const [label, change] of edits) {
    it(`reports ${label} at its seq, and verify exits with a problem`, async () => {
      const seq = await createdSeq();
      const original = await eventRow(seq);
      await bypass(`UPDATE events SET ${change} WHERE tenant_id = $1 AND seq = $2`, [demo.tenantId, seq]);
      try {
        expect(await firstBreak()).toMatchObject({ seq });
        const { mismatches } = await verifyTrails(t.db);
        expect(mismatches.map((m) => m.problem)).toContainEqual(
          expect.stringContaining(`trail broken at seq ${seq}`),
        );
      } finally {
        await restore(original);
      }
      expect(await firstBreak()).toBeUndefined();
    });
  }

  it('reports a hash recomputed for the changed event at the next seq', async () => {
    const seq = await createdSeq();
    const original = await eventRow(seq);
    await bypass(
      `UPDATE events e SET payload = jsonb_set(e.payload, '{description}', '"Laporan palsu"'),
              hash = sigap_event_hash(${PREVIOUS_HASH}, e.tenant_id, e.seq, e.type, e.actor, e.incident_id,
                                      e.assignment_id, e.unit_id, e.call_id, e.at,
                                      jsonb_set(e.payload, '{description}', '"Laporan palsu"'))
        WHERE e.tenant_id = $1 AND e.seq = $2`,
      [demo.tenantId, seq],
    );
    try {
      expect(await firstBreak()).toMatchObject({ seq: seq + 1 });
    } finally {
      await restore(original);
    }
  });

  it('reports a deleted last event (the counter is ahead of the chain)', async () => {
    const { rows } = await t.db.query<{ seq: number }>(
      'SELECT max(seq)::int AS seq FROM events WHERE tenant_id = $1',
      [demo.tenantId],
    );
    const last = rows[0]!.seq;
    const { rows: saved } = await t.db.query<Record<string, unknown>>(
      'SELECT *, at::text AS at FROM events WHERE tenant_id = $1 AND seq = $2',
      [demo.tenantId, last],
    );
    const row = saved[0]!;
    await bypass('DELETE FROM events WHERE tenant_id = $1 AND seq = $2', [demo.tenantId, last]);
    try {
      expect(await firstBreak()).toMatchObject({ seq: last, problem: expect.stringMatching(/missing/) });
    } finally {
      await bypass(
        `INSERT INTO events (tenant_id, seq, type, incident_id, assignment_id, unit_id, call_id, actor, at, payload, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::timestamptz, $10::jsonb, $11)`,
        [
          row.tenant_id,
          row.seq,
          row.type,
          row.incident_id,
          row.assignment_id,
          row.unit_id,
          row.call_id,
          JSON.stringify(row.actor),
          row.at,
          JSON.stringify(row.payload),
          row.hash,
        ],
      );
    }
    expect(await firstBreak()).toBeUndefined();
  });

  it('reports a deleted event in the middle as missing seqs', async () => {
    const seq = await createdSeq();
    const { rows: saved } = await t.db.query<Record<string, unknown>>(
      'SELECT *, at::text AS at FROM events WHERE tenant_id = $1 AND seq = $2',
      [demo.tenantId, seq],
    );
    const row = saved[0]!;
    await bypass('DELETE FROM events WHERE tenant_id = $1 AND seq = $2', [demo.tenantId, seq]);
    try {
      expect(await firstBreak()).toMatchObject({ seq: seq + 1, problem: expect.stringMatching(/missing/) });
    } finally {
      await bypass(
        `INSERT INTO events (tenant_id, seq, type, incident_id, assignment_id, unit_id, call_id, actor, at, payload, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::timestamptz, $10::jsonb, $11)`,
        [
          row.tenant_id,
          row.seq,
          row.type,
          row.incident_id,
          row.assignment_id,
          row.unit_id,
          row.call_id,
          JSON.stringify(row.actor),
          row.at,
          JSON.stringify(row.payload),
          row.hash,
        ],
      );
    }
    expect(await firstBreak()).toBeUndefined();
  });

  it('a chain rewritten from the changed event on passes the links but not an anchor kept outside', async () => {
    const anchors = await trailAnchors(t.db);
    const head = anchors.find((a) => a.tenantId === demo.tenantId)!;
    const seq = await createdSeq();
    const saved = await t.db.query<Row>(
      'SELECT seq::int AS seq, type, actor, at::text AS at, payload, hash FROM events WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq',
      [demo.tenantId, seq],
    );
    await bypass(
      `UPDATE events SET payload = jsonb_set(payload, '{description}', '"Laporan palsu"') WHERE tenant_id = $1 AND seq = $2`,
      [demo.tenantId, seq],
    );
    // Recompute every hash from there to the head, one link at a time.
    for (let s = seq; s <= head.seq; s++) {
      await bypass(
        `UPDATE events e SET hash = sigap_event_hash(${PREVIOUS_HASH}, e.tenant_id, e.seq, e.type, e.actor,
                e.incident_id, e.assignment_id, e.unit_id, e.call_id, e.at, e.payload)
          WHERE e.tenant_id = $1 AND e.seq = $2`,
        [demo.tenantId, s],
      );
    }
    try {
      expect(await firstBreak()).toBeUndefined();
      const { mismatches } = await verifyTrails(t.db, anchors);
      expect(mismatches.map((m) => m.problem)).toContainEqual(
        expect.stringContaining(`trail broken at seq ${head.seq}`),
      );
    } finally {
      for (const row of saved.rows) await restore(row);
    }
    expect((await verifyTrails(t.db, anchors)).mismatches).toEqual([]);
  });
});

describe('projected fields', () => {
  it('reports an incident row whose category no longer matches its trail', async () => {
    await bypass(`UPDATE incidents SET category = 'flood' WHERE id = $1`, [incidentId]);
    try {
      const { mismatches } = await verifyTrails(t.db);
      expect(mismatches).toContainEqual(
        expect.objectContaining({ incidentId, problem: 'category flood, trail says fire' }),
      );
    } finally {
      await bypass(`UPDATE incidents SET category = 'fire' WHERE id = $1`, [incidentId]);
    }
  });
});
