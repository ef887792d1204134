import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';

/** The channel whose notifications say "tenant T has events up to seq N" (see live/). */
export const EVENTS_CHANNEL = 'sigap_events';

export interface NewEvent {
  type: string;
  actor: Actor;
  incidentId?: string | null;
  assignmentId?: string | null;
  unitId?: string | null;
  callId?: string | null;
  payload?: Record<string, unknown>;
}

export interface StoredEvent {
  seq: number;
  type: string;
  at: Date;
}

/**
 * Appends one event to the tenant's audit trail, inside the caller's transaction (the same one
 * that changes the row the event describes). The per-tenant counter row is locked until commit,
 * so sequence numbers are gapless and become visible in order. The NOTIFY is delivered only if
 * the transaction commits, and carries just tenant and seq: listeners read the events table.
 */
export async function appendEvent(tx: Queryable, tenantId: string, event: NewEvent): Promise<StoredEvent> {
  const { rows } = await tx.query<{ seq: number; at: Date }>(
    `WITH next AS (
       INSERT INTO tenant_counters (tenant_id, name, value) VALUES ($1, 'events', 1)
       ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + 1
       RETURNING value
     )
     INSERT INTO events (tenant_id, seq, type, actor, incident_id, assignment_id, unit_id, call_id, payload)
     SELECT $1, next.value, $2, $3, $4, $5, $6, $7, $8 FROM next
     RETURNING seq, at`,
    [
      tenantId,
      event.type,
      JSON.stringify(event.actor),
      event.incidentId ?? null,
      event.assignmentId ?? null,
      event.unitId ?? null,
      event.callId ?? null,
      JSON.stringify(event.payload ?? {}),
    ],
  );
  const row = rows[0]!;
  await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, `${tenantId}:${row.seq}`]);
  return { seq: row.seq, at: row.at, type: event.type };
}
