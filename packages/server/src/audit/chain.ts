import type { Db } from '../db/index.js';

/**
 * The tamper-evident side of the audit trail (migration 0008): each event's `hash` is
 * sha256(previous hash || canonical content), computed by the database as the event is
 * appended. Recomputing every link finds a changed, inserted or deleted event; comparing a
 * tenant's head with an anchor kept outside the database finds a rewritten chain.
 */

export interface ChainBreak {
  tenantId: string;
  /** The first seq whose link does not hold (for a deleted last event: the missing seq). */
  seq: number;
  problem: string;
}

export interface Anchor {
  tenantId: string;
  seq: number;
  /** Hex sha256 of the tenant's event at `seq`. */
  hash: string;
  at: string;
}

/**
 * Recomputes every link of every tenant's chain in one pass (a window over events by seq) and
 * checks the chain reaches the tenant's event counter. Returns the first break per tenant.
 */
export async function verifyChains(db: Db): Promise<{ events: number; breaks: ChainBreak[] }> {
  const { rows } = await db.query<{ tenant_id: string; seq: number; problem: string; events: number }>(
    `WITH links AS (
       SELECT tenant_id, seq, hash,
              lag(seq) OVER w AS prev_seq,
              sigap_event_hash(lag(hash) OVER w, tenant_id, seq, type, actor, incident_id, assignment_id,
                               unit_id, call_id, at, payload) AS expected
         FROM events WINDOW w AS (PARTITION BY tenant_id ORDER BY seq)
     ),
     broken AS (
       SELECT DISTINCT ON (tenant_id) tenant_id, seq::int AS seq,
              CASE WHEN seq <> coalesce(prev_seq, 0) + 1
                   THEN 'events ' || coalesce(prev_seq, 0) + 1 || '..' || seq - 1 || ' are missing'
                   ELSE 'the stored hash does not match the event and its predecessor' END AS problem
         FROM links
        WHERE hash IS DISTINCT FROM expected OR seq <> coalesce(prev_seq, 0) + 1
        ORDER BY tenant_id, seq
     ),
     heads AS (
       SELECT c.tenant_id, c.value::int AS counter, coalesce(max(e.seq), 0)::int AS head
         FROM tenant_counters c LEFT JOIN events e ON e.tenant_id = c.tenant_id
        WHERE c.name = 'events' GROUP BY c.tenant_id, c.value
     )
     SELECT tenant_id, seq, problem, (SELECT count(*)::int FROM events) AS events FROM broken
     UNION ALL
     SELECT h.tenant_id, h.head + 1, 'events ' || h.head + 1 || '..' || h.counter || ' are missing (the counter is at ' || h.counter || ')',
            (SELECT count(*)::int FROM events)
       FROM heads h
      WHERE h.counter > h.head AND NOT EXISTS (SELECT 1 FROM broken b WHERE b.tenant_id = h.tenant_id)
     UNION ALL
     SELECT NULL, NULL, NULL, count(*)::int FROM events`,
  );
  const total = rows.find((r) => r.tenant_id === null)?.events ?? 0;
  const breaks = rows
    .filter((r) => r.tenant_id !== null)
    .map((r) => ({ tenantId: r.tenant_id, seq: r.seq, problem: r.problem }))
    .sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  return { events: total, breaks };
}

/** Each tenant's head: the seq and hash an auditor records (daily) outside the database. */
export async function trailAnchors(db: Db): Promise<Anchor[]> {
  const { rows } = await db.query<{ tenant_id: string; seq: number; hash: string; at: Date }>(
    `SELECT DISTINCT ON (tenant_id) tenant_id, seq::int AS seq, encode(hash, 'hex') AS hash, at
       FROM events ORDER BY tenant_id, seq DESC`,
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: r.seq, hash: r.hash, at: r.at.toISOString() }));
}

/**
 * Anchors recorded earlier that the database no longer agrees with: the event at the anchored
 * seq is gone or hashes differently, i.e. the chain up to there was rewritten (a superuser who
 * recomputed every later hash is caught here and only here).
 */
export async function checkAnchors(db: Db, anchors: readonly Anchor[]): Promise<ChainBreak[]> {
  const breaks: ChainBreak[] = [];
  for (const anchor of anchors) {
    const { rows } = await db.query<{ hash: string }>(
      `SELECT encode(hash, 'hex') AS hash FROM events WHERE tenant_id = $1 AND seq = $2`,
      [anchor.tenantId, anchor.seq],
    );
    const stored = rows[0]?.hash;
    if (stored !== anchor.hash) {
      breaks.push({
        tenantId: anchor.tenantId,
        seq: anchor.seq,
        problem: stored
          ? `the event's hash ${stored.slice(0, 16)}… differs from the anchor ${anchor.hash.slice(0, 16)}… of ${anchor.at}`
          : `the anchored event (${anchor.at}) is missing`,
      });
    }
  }
  return breaks;
}

/** Reads anchors written by `sigap anchor` (one JSON object per line; other lines are ignored). */
export function parseAnchors(text: string): Anchor[] {
  const anchors: Anchor[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    const value = JSON.parse(trimmed) as Partial<Anchor>;
    if (
      typeof value.tenantId === 'string' &&
      typeof value.seq === 'number' &&
      typeof value.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(value.hash)
    ) {
      anchors.push({
        tenantId: value.tenantId,
        seq: value.seq,
        hash: value.hash,
        at: String(value.at ?? ''),
      });
    }
  }
  return anchors;
}
