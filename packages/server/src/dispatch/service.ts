import type {
  AssignmentStatus,
  DispatchBody,
  Handoff,
  Recommendation,
  TransitionAssignmentBody,
} from '@sigap/contract';
import { type Actor, actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { allowedAssignmentTransitions } from '../incidents/lifecycle.js';
import { recordIncidentEvent, syncIncidentStatus, targetsFor } from '../incidents/projection.js';
import { getIncident } from '../incidents/service.js';
import { assertAllowed, type LockedIncident, lockVisibleIncident } from '../incidents/transitions.js';
import { lockUnits, occupyUnit, releaseAssignment, releaseUnit } from './assignments.js';
import { recommendUnits } from './recommend.js';
import type { TravelTimeProvider } from './travel-time/types.js';

function invalid(path: string, code: string, message: string): ApiError {
  return new ApiError('SIGAP_ERR_VALIDATION', undefined, { details: [{ path, code, message }] });
}

/** One agency (and optionally one of its units) to send. */
export interface Wanted {
  agencyId: string;
  unitId?: string;
  handoff?: Handoff;
}

/**
 * Sends agencies (and optionally specific units) to an incident: one assignment each, with its
 * own response targets and events. An agency already working on the incident is not sent twice.
 * A `received` incident is verified by being dispatched (a call taker rarely verifies a fire first).
 * With `acceptRecommendation` the best available unit per needed agency type is sent.
 */
export async function dispatchIncident(
  tx: Queryable,
  principal: Principal,
  incidentId: string,
  body: DispatchBody,
  travelTime: TravelTimeProvider,
) {
  if (body.acceptRecommendation && body.assignments) {
    throw invalid(
      '/body/assignments',
      'conflict',
      'send either assignments or acceptRecommendation, not both',
    );
  }
  if (!body.acceptRecommendation && !body.assignments) {
    throw invalid('/body/assignments', 'required', 'say whom to send, or acceptRecommendation: true');
  }
  const incident = await lockVisibleIncident(tx, principal, incidentId);
  assertAllowed(incident, 'dispatch');
  let wanted: Wanted[] = body.assignments ?? [];
  if (body.acceptRecommendation) {
    const recommendation = await recommendationFor(tx, principal, incidentId, travelTime);
    wanted = pickRecommended(recommendation);
  }
  await createAssignments(tx, principal, actorOf(principal), incident, wanted, body.note);
  return getIncident(tx, principal, incidentId);
}

/** The recommendation for an incident the principal may see; 409 when it has no point yet. */
export async function recommendationFor(
  tx: Queryable,
  principal: Principal,
  incidentId: string,
  travelTime: TravelTimeProvider,
  limit = 3,
): Promise<Recommendation> {
  const incident = await getIncident(tx, principal, incidentId);
  const point = incident.location.point;
  if (!point) {
    throw new ApiError(
      'SIGAP_ERR_CONFLICT',
      'The incident has no location point yet: geocode its address or pick it on the map.',
    );
  }
  const recommendation = await recommendUnits(
    tx,
    principal.tenantId,
    { id: incidentId, category: incident.category, point },
    travelTime,
    limit,
  );
  await tx.query(
    'UPDATE incidents SET no_unit_available = $3 WHERE tenant_id = $1 AND id = $2 AND no_unit_available <> $3',
    [principal.tenantId, incidentId, recommendation.noUnitAvailable],
  );
  return recommendation;
}

/**
 * What `acceptRecommendation` sends. With a response plan: every unit chosen for its slots
 * (what could not be filled is left to a person, the rest goes now); 409 when nothing can go.
 * Without one: the best candidate of every agency type needed; refuses when a need has only
 * busy units (a person decides then).
 */
export function pickRecommended(recommendation: Recommendation): Wanted[] {
  const plan = recommendation.plan;
  if (plan) {
    const chosen = plan.slots.flatMap((s) => s.chosen);
    if (chosen.length === 0) {
      throw new ApiError(
        'SIGAP_ERR_CONFLICT',
        plan.summary
          ? `No unit of the response plan is available (${plan.summary}): choose one or wait for a busy one.`
          : 'Every unit the response plan asks for is already assigned.',
      );
    }
    return chosen.map((c) => ({ agencyId: c.agencyId, unitId: c.unitId }));
  }
  return recommendation.needs.map((need) => {
    const best = need.candidates.find((c) => c.unitStatus === 'available');
    if (!best) {
      throw new ApiError(
        'SIGAP_ERR_CONFLICT',
        `No ${need.agencyType} unit is available: choose one or wait for a busy one.`,
      );
    }
    return { agencyId: best.agencyId, unitId: best.unitId };
  });
}

export async function createAssignments(
  tx: Queryable,
  principal: Principal,
  actor: Actor,
  incident: LockedIncident,
  wantedList: Wanted[],
  note?: string,
) {
  const tenantId = principal.tenantId;
  const incidentId = incident.id;
  const targets = await targetsFor(tx, tenantId, incident.category, incident.priority);

  await lockUnits(
    tx,
    tenantId,
    wantedList.map((w) => w.unitId),
  );
  const seenAgencies = new Set<string>();
  const seenUnits = new Set<string>();
  for (const [index, wanted] of wantedList.entries()) {
    const path = `/body/assignments/${index}`;
    // Several units of one agency may go (two fire engines of Damkar); the agency itself
    // without a unit (a hand-off) once, and a unit once.
    if (wanted.unitId) {
      if (seenUnits.has(wanted.unitId)) throw invalid(`${path}/unitId`, 'duplicate', 'is listed twice');
      seenUnits.add(wanted.unitId);
    } else {
      if (seenAgencies.has(wanted.agencyId))
        throw invalid(`${path}/agencyId`, 'duplicate', 'is listed twice without a unit');
      seenAgencies.add(wanted.agencyId);
    }
    const { rows: agencies } = await tx.query<{ kind: string; active: boolean }>(
      'SELECT kind, active FROM agencies WHERE tenant_id = $1 AND id = $2',
      [tenantId, wanted.agencyId],
    );
    if (!agencies[0]?.active)
      throw invalid(`${path}/agencyId`, 'not_found', 'is not an active agency of this tenant');
    if (wanted.handoff && agencies[0].kind !== 'vertical') {
      throw invalid(
        `${path}/handoff`,
        'not_vertical',
        'hand-offs are for vertical institutions (PLN, Telkom, Polri...)',
      );
    }
    if (wanted.unitId) {
      // The unit's row lock queues concurrent dispatches of one unit: the second sees the
      // first's assignment once it commits (READ COMMITTED re-reads after the lock).
      const { rows: units } = await tx.query<{ status: string }>(
        'SELECT status FROM units WHERE tenant_id = $1 AND id = $2 AND agency_id = $3 FOR UPDATE',
        [tenantId, wanted.unitId, wanted.agencyId],
      );
      if (!units[0]) throw invalid(`${path}/unitId`, 'not_found', 'is not a unit of that agency');
      if (units[0].status === 'offline') throw invalid(`${path}/unitId`, 'offline', 'the unit is offline');
      await assertUnitFree(tx, tenantId, wanted.unitId, `${path}/unitId`);
    } else {
      const { rowCount: busy } = await tx.query(
        `SELECT 1 FROM assignments WHERE tenant_id = $1 AND incident_id = $2 AND agency_id = $3
            AND unit_id IS NULL AND status NOT IN ('resolved', 'declined', 'cancelled')`,
        [tenantId, incidentId, wanted.agencyId],
      );
      if (busy > 0) {
        throw new ApiError(
          'SIGAP_ERR_CONFLICT',
          `The agency ${wanted.agencyId} already has an open assignment here; name a unit to send another.`,
        );
      }
    }

    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO assignments (tenant_id, incident_id, agency_id, unit_id, status, handoff,
          ack_due_at, on_scene_due_at, resolve_due_at)
       VALUES ($1, $2, $3, $4, 'dispatched', $5,
          CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(secs => $6) END,
          CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7) END,
          CASE WHEN $8::int IS NULL THEN NULL ELSE now() + make_interval(secs => $8) END)
       ON CONFLICT (tenant_id, unit_id) WHERE unit_id IS NOT NULL AND status NOT IN ('resolved', 'declined', 'cancelled')
       DO NOTHING
       RETURNING id`,
      [
        tenantId,
        incidentId,
        wanted.agencyId,
        wanted.unitId ?? null,
        wanted.handoff ? JSON.stringify(wanted.handoff) : null,
        targets.acknowledgeS,
        targets.onSceneS,
        targets.resolveS,
      ],
    );
    // The unique index on open assignments per unit refused it: booked elsewhere meanwhile.
    if (!rows[0]) await assertUnitFree(tx, tenantId, wanted.unitId!, `${path}/unitId`);
    const assignmentId = rows[0]!.id;
    await recordIncidentEvent(tx, tenantId, incidentId, {
      type: 'assignment.created',
      actor,
      assignmentId,
      unitId: wanted.unitId ?? null,
      payload: {
        agencyId: wanted.agencyId,
        unitId: wanted.unitId ?? null,
        status: 'dispatched',
        handoff: wanted.handoff ?? null,
        ...(note ? { note } : {}),
      },
    });
    if (wanted.unitId) await occupyUnit(tx, principal, actor, wanted.unitId);
  }
  await syncIncidentStatus(tx, tenantId, incidentId, actor, 'dispatched');
}

/**
 * 409 when the unit holds an open assignment (on this incident or another), naming that
 * incident: a unit is never booked twice (the database enforces it too, see migration 0007).
 */
export async function assertUnitFree(tx: Queryable, tenantId: string, unitId: string, path: string) {
  const { rows } = await tx.query<{ incident_id: string; number: string; code: string }>(
    `SELECT a.incident_id, i.number, u.code FROM assignments a
       JOIN incidents i ON i.tenant_id = a.tenant_id AND i.id = a.incident_id
       JOIN units u ON u.tenant_id = a.tenant_id AND u.id = a.unit_id
      WHERE a.tenant_id = $1 AND a.unit_id = $2 AND a.status NOT IN ('resolved', 'declined', 'cancelled')`,
    [tenantId, unitId],
  );
  const holder = rows[0];
  if (!holder) return;
  throw new ApiError(
    'SIGAP_ERR_CONFLICT',
    `Unit ${holder.code} is already assigned to incident ${holder.number} (${holder.incident_id}).`,
    {
      details: [
        {
          path,
          code: 'unit_busy',
          message: `is assigned to incident ${holder.number} (${holder.incident_id})`,
        },
      ],
    },
  );
}

const TIMESTAMP_COLUMN: Partial<Record<AssignmentStatus, string>> = {
  acknowledged: 'acknowledged_at',
  en_route: 'en_route_at',
  on_scene: 'on_scene_at',
  resolved: 'resolved_at',
};

/**
 * An agency reports progress on its assignment (or a dispatcher does for it). Agency keys may
 * act only on their own agency's assignments; declining needs a reason.
 */
export async function transitionAssignment(
  tx: Queryable,
  principal: Principal,
  assignmentId: string,
  body: TransitionAssignmentBody,
) {
  const tenantId = principal.tenantId;
  const { rows } = await tx.query<{ incident_id: string; agency_id: string }>(
    'SELECT incident_id, agency_id FROM assignments WHERE tenant_id = $1 AND id = $2',
    [tenantId, assignmentId],
  );
  const found = rows[0];
  if (!found || (principal.role === 'agency' && found.agency_id !== principal.agencyId)) {
    throw new ApiError('SIGAP_ERR_NOT_FOUND', `Assignment ${assignmentId} not found.`);
  }
  // Lock the incident first (the order every writer uses), then the assignment.
  const incident = await lockVisibleIncident(tx, principal, found.incident_id);
  const { rows: locked } = await tx.query<{ status: AssignmentStatus; unit_id: string | null }>(
    'SELECT status, unit_id FROM assignments WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
    [tenantId, assignmentId],
  );
  const current = locked[0]!;
  const allowed = allowedAssignmentTransitions(current.status);
  if (!allowed.includes(body.to)) {
    throw new ApiError(
      'SIGAP_ERR_ILLEGAL_TRANSITION',
      `An assignment that is ${current.status} cannot become ${body.to}.`,
      {
        allowed: [...allowed],
      },
    );
  }
  if (body.to === 'declined' && !body.reason)
    throw invalid('/body/reason', 'required', 'say why the agency declines');

  const column = TIMESTAMP_COLUMN[body.to];
  await tx.query(
    `UPDATE assignments SET status = $3, updated_at = now(),
            declined_reason = CASE WHEN $3 = 'declined' THEN $4 ELSE declined_reason END,
            -- A hand-off update merges: fields not sent keep their value (a new ticket number
            -- does not drop promisedAt or confirmedBy).
            handoff = CASE WHEN $5::jsonb IS NULL THEN handoff ELSE coalesce(handoff, '{}'::jsonb) || $5::jsonb END
            ${column ? `, ${column} = now()` : ''}
      WHERE tenant_id = $1 AND id = $2`,
    [
      tenantId,
      assignmentId,
      body.to,
      body.reason ?? null,
      body.handoff ? JSON.stringify(body.handoff) : null,
    ],
  );
  await recordIncidentEvent(tx, tenantId, found.incident_id, {
    type: 'assignment.status_changed',
    actor: actorOf(principal),
    assignmentId,
    unitId: current.unit_id,
    payload: {
      from: current.status,
      to: body.to,
      ...(body.reason ? { reason: body.reason } : {}),
      ...(body.note ? { note: body.note } : {}),
      ...(body.handoff ? { handoff: body.handoff } : {}),
    },
  });
  if ((body.to === 'resolved' || body.to === 'declined') && current.unit_id) {
    await releaseUnit(tx, principal, current.unit_id);
  }
  // Progress on a cancelled/closed incident is recorded but does not move the incident.
  if (!['closed', 'cancelled', 'rejected', 'merged'].includes(incident.status)) {
    await syncIncidentStatus(tx, tenantId, found.incident_id, actorOf(principal), `assignment ${body.to}`);
  }
  return getIncident(tx, principal, found.incident_id);
}

/** POST /assignments/:id/release: stands one unit or agency down; returns the whole incident. */
export async function releaseFromIncident(
  tx: Queryable,
  principal: Principal,
  assignmentId: string,
  reason?: string,
) {
  const incidentId = await releaseAssignment(
    tx,
    principal,
    assignmentId,
    (id) => lockVisibleIncident(tx, principal, id),
    reason,
  );
  return getIncident(tx, principal, incidentId);
}
