import { appendEvent } from '../audit/events.js';
import { type Actor, actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { recordIncidentEvent, syncIncidentStatus, type Targets } from '../incidents/projection.js';

/**
 * A cancelled, rejected or merged incident needs nobody any more: its open assignments end as
 * `cancelled` (not `declined`, which would count against the agency) and their units are freed.
 */
export async function withdrawAssignments(
  tx: Queryable,
  principal: Principal,
  incidentId: string,
  why: string,
) {
  const tenantId = principal.tenantId;
  const { rows } = await tx.query<{ id: string; status: string; unit_id: string | null }>(
    `UPDATE assignments a SET status = 'cancelled', updated_at = now()
       FROM assignments old
      WHERE a.tenant_id = $1 AND a.incident_id = $2 AND old.id = a.id
        AND a.status NOT IN ('resolved', 'declined', 'cancelled')
      RETURNING a.id, old.status, a.unit_id`,
    [tenantId, incidentId],
  );
  for (const a of rows) {
    await recordIncidentEvent(tx, tenantId, incidentId, {
      type: 'assignment.status_changed',
      actor: actorOf(principal),
      assignmentId: a.id,
      payload: { from: a.status, to: 'cancelled', reason: `incident ${why}` },
    });
    if (a.unit_id) await releaseUnit(tx, principal, a.unit_id);
  }
}

/** Marks a unit available again once no open assignment holds it. */
export async function releaseUnit(tx: Queryable, principal: Principal, unitId: string) {
  const { rows } = await tx.query<{ status: string }>(
    `UPDATE units u SET status = 'available', expected_free_at = NULL, updated_at = now()
      WHERE u.tenant_id = $1 AND u.id = $2 AND u.status = 'busy'
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.tenant_id = u.tenant_id AND a.unit_id = u.id
                          AND a.status NOT IN ('resolved', 'declined', 'cancelled'))
      RETURNING status`,
    [principal.tenantId, unitId],
  );
  if (rows.length > 0) {
    await appendEvent(tx, principal.tenantId, {
      type: 'unit.status_changed',
      actor: actorOf(principal),
      unitId,
      payload: { from: 'busy', to: 'available' },
    });
  }
}

/**
 * Reopening an incident: its resolved assignments start again. An agency-level assignment
 * (no unit) goes back to `dispatched`. A unit is re-booked only when it is free (not offline,
 * no open assignment elsewhere): then it goes back to `dispatched` and the unit becomes busy.
 * A unit that went elsewhere meanwhile is not taken away from that incident: its old
 * assignment here ends as `cancelled` and the plan's slot is recommended anew. Units are
 * locked (FOR UPDATE) before they are checked, the order every dispatch uses, so a concurrent
 * dispatch of the same unit waits and then sees the re-booking; the unique index on open
 * assignments per unit (migration 0007) refuses a second open assignment in any case.
 */
export async function reopenAssignments(
  tx: Queryable,
  principal: Principal,
  incidentId: string,
  targets: Targets,
) {
  const tenantId = principal.tenantId;
  const actor = actorOf(principal);
  const { rows: resolved } = await tx.query<{ id: string; unit_id: string | null }>(
    `SELECT id, unit_id FROM assignments WHERE tenant_id = $1 AND incident_id = $2 AND status = 'resolved'
      ORDER BY dispatched_at DESC, id FOR UPDATE`,
    [tenantId, incidentId],
  );
  await lockUnits(
    tx,
    tenantId,
    resolved.map((a) => a.unit_id),
  );
  for (const a of resolved) {
    let free = true;
    if (a.unit_id) {
      const { rows } = await tx.query<{ status: string; holder: string | null }>(
        `SELECT u.status,
                (SELECT o.incident_id FROM assignments o WHERE o.tenant_id = u.tenant_id AND o.unit_id = u.id
                    AND o.status NOT IN ('resolved', 'declined', 'cancelled') LIMIT 1) AS holder
           FROM units u WHERE u.tenant_id = $1 AND u.id = $2 FOR UPDATE OF u`,
        [tenantId, a.unit_id],
      );
      free = rows[0] !== undefined && rows[0].status !== 'offline' && rows[0].holder === null;
    }
    if (!free) {
      await tx.query(
        `UPDATE assignments SET status = 'cancelled', updated_at = now() WHERE tenant_id = $1 AND id = $2`,
        [tenantId, a.id],
      );
      await recordIncidentEvent(tx, tenantId, incidentId, {
        type: 'assignment.status_changed',
        actor,
        assignmentId: a.id,
        unitId: a.unit_id,
        payload: {
          from: 'resolved',
          to: 'cancelled',
          reason: 'incident reopened; the unit is busy elsewhere or offline, recommend another',
        },
      });
      continue;
    }
    await tx.query(
      `UPDATE assignments SET status = 'dispatched', dispatched_at = now(), acknowledged_at = NULL,
              en_route_at = NULL, on_scene_at = NULL, resolved_at = NULL, breached = '{}',
              reopen_count = reopen_count + 1, updated_at = now(),
              ack_due_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(secs => $3) END,
              on_scene_due_at = CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(secs => $4) END,
              resolve_due_at = CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5) END
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, a.id, targets.acknowledgeS, targets.onSceneS, targets.resolveS],
    );
    await recordIncidentEvent(tx, tenantId, incidentId, {
      type: 'assignment.status_changed',
      actor,
      assignmentId: a.id,
      unitId: a.unit_id,
      payload: { from: 'resolved', to: 'dispatched', reason: 'incident reopened' },
    });
    if (a.unit_id) await occupyUnit(tx, principal, actor, a.unit_id);
  }
}

/** Marks a unit busy (with an event) when it was available; a busy or offline unit is left as is. */
export async function occupyUnit(tx: Queryable, principal: Principal, actor: Actor, unitId: string) {
  const { rows } = await tx.query<{ from: string }>(
    `UPDATE units u SET status = 'busy', updated_at = now()
       FROM units old WHERE u.tenant_id = $1 AND u.id = $2 AND old.id = u.id AND u.status = 'available'
     RETURNING old.status AS from`,
    [principal.tenantId, unitId],
  );
  if (rows[0]) {
    await appendEvent(tx, principal.tenantId, {
      type: 'unit.status_changed',
      actor,
      unitId,
      payload: { from: rows[0].from, to: 'busy' },
    });
  }
}

/**
 * Locks units in one order (by id) before a write books several: two dispatchers sending the
 * same two units in opposite order then queue instead of deadlocking.
 */
export async function lockUnits(tx: Queryable, tenantId: string, unitIds: (string | null | undefined)[]) {
  const ids = [...new Set(unitIds.filter((id): id is string => Boolean(id)))].sort();
  if (ids.length === 0) return;
  await tx.query(
    'SELECT id FROM units WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE',
    [tenantId, ids],
  );
}

/**
 * A dispatcher stands a unit (or an agency) down while the incident runs: its open assignment
 * ends as `cancelled` with the reason, the unit is free for other incidents, and the incident's
 * status follows the assignments that remain.
 */
export async function releaseAssignment(
  tx: Queryable,
  principal: Principal,
  assignmentId: string,
  lockIncident: (incidentId: string) => Promise<unknown>,
  reason?: string,
): Promise<string> {
  const tenantId = principal.tenantId;
  const { rows: found } = await tx.query<{ incident_id: string }>(
    'SELECT incident_id FROM assignments WHERE tenant_id = $1 AND id = $2',
    [tenantId, assignmentId],
  );
  if (!found[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Assignment ${assignmentId} not found.`);
  const incidentId = found[0].incident_id;
  await lockIncident(incidentId); // the incident first, the order every writer uses
  const { rows } = await tx.query<{ status: string; unit_id: string | null }>(
    'SELECT status, unit_id FROM assignments WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
    [tenantId, assignmentId],
  );
  const current = rows[0]!;
  if (['resolved', 'declined', 'cancelled'].includes(current.status)) {
    throw new ApiError('SIGAP_ERR_CONFLICT', `The assignment is already ${current.status}.`);
  }
  await tx.query(
    `UPDATE assignments SET status = 'cancelled', updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, assignmentId],
  );
  const actor = actorOf(principal);
  await recordIncidentEvent(tx, tenantId, incidentId, {
    type: 'assignment.status_changed',
    actor,
    assignmentId,
    unitId: current.unit_id,
    payload: { from: current.status, to: 'cancelled', reason: reason ? `released: ${reason}` : 'released' },
  });
  if (current.unit_id) await releaseUnit(tx, principal, current.unit_id);
  await syncIncidentStatus(tx, tenantId, incidentId, actor, 'assignment released');
  return incidentId;
}
