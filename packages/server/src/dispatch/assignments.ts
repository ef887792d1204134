import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { recordIncidentEvent } from '../incidents/projection.js';

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
