import {
  INCIDENT_ACTIONS,
  type IncidentStatus,
  type Priority,
  type TransitionIncidentBody,
} from '@sigap/contract';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { reopenAssignments, withdrawAssignments } from '../dispatch/assignments.js';
import { ApiError } from '../errors.js';
import { allowedIncidentActions, type IncidentAction } from './lifecycle.js';
import { recordIncidentEvent, syncIncidentStatus, targetsFor } from './projection.js';
import { getIncident, tenantSettings } from './service.js';
import { lockIncident } from './sql.js';

export interface LockedIncident {
  id: string;
  status: IncidentStatus;
  priority: Priority;
  category: string;
  resolved_at: Date | null;
  created_by: string | null;
}

/**
 * Locks the incident for a change (FOR UPDATE: concurrent changes to one incident queue up)
 * and checks it exists for this key.
 */
export async function lockVisibleIncident(
  tx: Queryable,
  principal: Principal,
  id: string,
): Promise<LockedIncident> {
  await getIncident(tx, principal, id); // 404 unless this key may see it
  const q = lockIncident(principal.tenantId, id);
  const { rows } = await tx.query<LockedIncident>(q.text, q.values);
  return rows[0]!;
}

/**
 * 409 when `action` is not allowed from the current status. `allowed` lists only values a
 * client can send as `to` to POST /incidents/{id}/transitions (dispatch and merge have their
 * own routes and are not `to` values).
 */
export function assertAllowed(incident: LockedIncident, action: IncidentAction): void {
  const allowed = allowedIncidentActions(incident.status);
  if (!allowed.includes(action)) {
    throw new ApiError(
      'SIGAP_ERR_ILLEGAL_TRANSITION',
      `An incident that is ${incident.status} cannot be ${action === 'dispatch' || action === 'merge' ? `${action}ed` : action}.`,
      { allowed: allowed.filter((a): a is TransitionIncidentBody['to'] => TRANSITION_TOS.has(a)) },
    );
  }
}

const TRANSITION_TOS: ReadonlySet<string> = new Set(INCIDENT_ACTIONS);

/** Which incident actions each role may take (the route lets call takers and dispatchers in). */
const ROLE_ACTIONS: Record<string, readonly TransitionIncidentBody['to'][]> = {
  call_taker: ['verified', 'cancelled', 'rejected'],
  dispatcher: ['verified', 'cancelled', 'rejected', 'closed', 'reopened'],
};

/**
 * Incident-level changes: verify, cancel, reject (a prank found out later), close, reopen.
 * Progress (acknowledged … resolved) belongs to assignments: see dispatch/.
 */
export async function transitionIncident(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: TransitionIncidentBody,
) {
  if (!ROLE_ACTIONS[principal.role]?.includes(body.to)) {
    throw new ApiError(
      'SIGAP_ERR_FORBIDDEN',
      `The role ${principal.role} may not make an incident ${body.to}.`,
    );
  }
  const incident = await lockVisibleIncident(tx, principal, id);
  assertAllowed(incident, body.to);
  const actor = actorOf(principal);
  const tenantId = principal.tenantId;

  if (body.to === 'reopened') {
    await reopen(tx, principal, incident, body.note);
    return getIncident(tx, principal, id);
  }

  if (body.priority && body.priority !== incident.priority) {
    if (body.to !== 'verified') {
      throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
        details: [
          { path: '/body/priority', code: 'not_allowed', message: 'can be changed only when verifying' },
        ],
      });
    }
    await tx.query('UPDATE incidents SET priority = $3 WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
      body.priority,
    ]);
    await recordIncidentEvent(tx, tenantId, id, {
      type: 'incident.priority_changed',
      actor,
      payload: { from: incident.priority, to: body.priority },
    });
  }

  if (body.to === 'cancelled' || body.to === 'rejected')
    await withdrawAssignments(tx, principal, id, body.to);
  // verified_at starts the watchdog's dispatch clock (incidents/watchdog.ts).
  await tx.query(
    `UPDATE incidents SET status = $3,
            verified_at = CASE WHEN $3 = 'verified' THEN coalesce(verified_at, now()) ELSE verified_at END
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, body.to],
  );
  await recordIncidentEvent(tx, tenantId, id, {
    type: 'incident.status_changed',
    actor,
    payload: { from: incident.status, to: body.to, ...(body.note ? { note: body.note } : {}) },
  });
  return getIncident(tx, principal, id);
}

/**
 * The reporter says it is not fixed: within the tenant's window after resolution, resolved
 * assignments go back to `dispatched` and every agency's clock starts again — each unit only
 * when it is free (see reopenAssignments).
 */
async function reopen(tx: Queryable, principal: Principal, incident: LockedIncident, note?: string) {
  const tenantId = principal.tenantId;
  const settings = await tenantSettings(tx, tenantId);
  const resolvedAt = incident.resolved_at?.getTime() ?? 0;
  if (Date.now() - resolvedAt > settings.reopenWindowHours * 3600_000) {
    throw new ApiError(
      'SIGAP_ERR_CONFLICT',
      `The incident was resolved more than ${settings.reopenWindowHours} hours ago and can no longer be reopened; create a new one.`,
    );
  }
  const targets = await targetsFor(tx, tenantId, incident.category, incident.priority);
  const actor = actorOf(principal);
  await tx.query(
    `UPDATE incidents SET answer_breached = false,
            answer_due_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(secs => $3) END
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, incident.id, targets.resolveS],
  );
  await recordIncidentEvent(tx, tenantId, incident.id, {
    type: 'incident.reopened',
    actor,
    payload: { from: incident.status, ...(note ? { note } : {}) },
  });
  await reopenAssignments(tx, principal, incident.id, targets);
  await syncIncidentStatus(tx, tenantId, incident.id, actor, 'reopened');
}

/** Marks `id` a duplicate of `into`; both must be open incidents of this tenant. */
export async function mergeIncident(
  tx: Queryable,
  principal: Principal,
  id: string,
  into: string,
  note?: string,
) {
  if (id === into) {
    throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
      details: [{ path: '/body/into', code: 'self', message: 'an incident cannot be merged into itself' }],
    });
  }
  // Lock both in a fixed order so two opposite merges cannot deadlock.
  const [first, second] = id < into ? [id, into] : [into, id];
  const a = await lockVisibleIncident(tx, principal, first);
  const b = await lockVisibleIncident(tx, principal, second);
  const source = a.id === id ? a : b;
  const target = a.id === id ? b : a;
  assertAllowed(source, 'merge');
  if (target.status === 'merged' || target.status === 'cancelled' || target.status === 'rejected') {
    throw new ApiError('SIGAP_ERR_CONFLICT', `Cannot merge into an incident that is ${target.status}.`);
  }
  const tenantId = principal.tenantId;
  const actor = actorOf(principal);
  await withdrawAssignments(tx, principal, id, 'merged');
  await tx.query(
    `UPDATE incidents SET status = 'merged', merged_into = $3 WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, into],
  );
  await recordIncidentEvent(tx, tenantId, id, {
    type: 'incident.status_changed',
    actor,
    payload: { from: source.status, to: 'merged', into, ...(note ? { note } : {}) },
  });
  await recordIncidentEvent(tx, tenantId, into, {
    type: 'incident.duplicate_linked',
    actor,
    payload: { duplicate: id },
  });
  return getIncident(tx, principal, id);
}
