import type { AssignmentStatus, IncidentStatus, Priority } from '@sigap/contract';
import { appendEvent, type NewEvent, type StoredEvent } from '../audit/events.js';
import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { resolveSettings } from '../tenants/defaults.js';
import { deriveIncidentStatus } from './lifecycle.js';

/**
 * The incident row is a projection of its events. Every change to an incident goes through
 * here: append the event, then stamp the row with that event's seq, in the caller's transaction.
 */
export async function recordIncidentEvent(
  tx: Queryable,
  tenantId: string,
  incidentId: string,
  event: Omit<NewEvent, 'incidentId'>,
): Promise<StoredEvent> {
  const stored = await appendEvent(tx, tenantId, { ...event, incidentId });
  await tx.query('UPDATE incidents SET last_seq = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    incidentId,
    stored.seq,
  ]);
  return stored;
}

/**
 * After an assignment changed: recompute the incident's status from all its assignments and,
 * if it moved, store it with an `incident.status_changed` event.
 */
export async function syncIncidentStatus(
  tx: Queryable,
  tenantId: string,
  incidentId: string,
  actor: Actor,
  reason: string,
): Promise<{ from: IncidentStatus; to: IncidentStatus }> {
  const { rows } = await tx.query<{ status: IncidentStatus; statuses: AssignmentStatus[] }>(
    `SELECT i.status, coalesce(array_agg(a.status) FILTER (WHERE a.id IS NOT NULL), '{}') AS statuses
       FROM incidents i LEFT JOIN assignments a ON a.tenant_id = i.tenant_id AND a.incident_id = i.id
      WHERE i.tenant_id = $1 AND i.id = $2 GROUP BY i.status`,
    [tenantId, incidentId],
  );
  const from = rows[0]!.status;
  const to = deriveIncidentStatus(rows[0]!.statuses);
  if (to !== from) {
    await tx.query(
      `UPDATE incidents SET status = $3,
              resolved_at = CASE WHEN $3 = 'resolved' THEN now() ELSE NULL END
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, incidentId, to],
    );
    await recordIncidentEvent(tx, tenantId, incidentId, {
      type: 'incident.status_changed',
      actor,
      payload: { from, to, reason },
    });
  }
  return { from, to };
}

export interface Targets {
  acknowledgeS: number | null;
  onSceneS: number | null;
  resolveS: number | null;
}

/** The response targets for a category at a priority: the category's own, else the tenant's. */
export async function targetsFor(
  tx: Queryable,
  tenantId: string,
  category: string,
  priority: Priority,
): Promise<Targets> {
  const { rows } = await tx.query<{
    settings: unknown;
    ack_target_s: number | null;
    on_scene_target_s: number | null;
    resolve_target_s: number | null;
  }>(
    `SELECT t.settings, c.ack_target_s, c.on_scene_target_s, c.resolve_target_s
       FROM tenants t JOIN categories c ON c.tenant_id = t.id AND c.code = $2
      WHERE t.id = $1`,
    [tenantId, category],
  );
  const row = rows[0]!;
  const tenant = resolveSettings(row.settings).targets[priority];
  return {
    acknowledgeS: row.ack_target_s ?? tenant.acknowledgeS,
    onSceneS: row.on_scene_target_s ?? tenant.onSceneS,
    resolveS: row.resolve_target_s ?? tenant.resolveS,
  };
}
