import type { AssignmentStatus, IncidentStatus } from '@sigap/contract';

/**
 * The incident and assignment state machines, as data. Pure: no database, so the property
 * tests can drive them with random sequences and compare with what the server stored.
 *
 * received → verified → dispatched → acknowledged → en_route → on_scene → resolved → closed,
 * with side exits cancelled, rejected (a prank found out later) and merged (a duplicate).
 * From `dispatched` on, the incident's status follows its assignments (`deriveIncidentStatus`).
 */

export const OPEN_STATUSES: readonly IncidentStatus[] = [
  'received',
  'verified',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
];
export const TERMINAL_STATUSES: readonly IncidentStatus[] = ['closed', 'cancelled', 'rejected', 'merged'];

/** What a person can ask of the incident itself, by current status. */
export type IncidentAction =
  | 'verified'
  | 'cancelled'
  | 'rejected'
  | 'closed'
  | 'reopened'
  | 'dispatch'
  | 'merge';

const INCIDENT_ACTIONS: Record<IncidentStatus, readonly IncidentAction[]> = {
  received: ['verified', 'dispatch', 'cancelled', 'rejected', 'merge'],
  verified: ['dispatch', 'cancelled', 'rejected', 'merge'],
  dispatched: ['dispatch', 'cancelled', 'rejected', 'merge'],
  acknowledged: ['dispatch', 'cancelled', 'rejected', 'merge'],
  en_route: ['dispatch', 'cancelled', 'rejected', 'merge'],
  on_scene: ['dispatch', 'cancelled', 'rejected', 'merge'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  cancelled: [],
  rejected: [],
  merged: [],
};

export function allowedIncidentActions(status: IncidentStatus): readonly IncidentAction[] {
  return INCIDENT_ACTIONS[status];
}

/** The status an incident action leads to (dispatch and reopen depend on assignments). */
export const ACTION_RESULT: Partial<Record<IncidentAction, IncidentStatus>> = {
  verified: 'verified',
  cancelled: 'cancelled',
  rejected: 'rejected',
  closed: 'closed',
  merge: 'merged',
};

const ASSIGNMENT_TRANSITIONS: Record<AssignmentStatus, readonly AssignmentStatus[]> = {
  dispatched: ['acknowledged', 'declined'],
  // Small jobs (a street light) go from accepted to done; a unit may be on scene without a trip.
  acknowledged: ['en_route', 'on_scene', 'resolved', 'declined'],
  en_route: ['on_scene', 'resolved'],
  on_scene: ['resolved'],
  resolved: [],
  declined: [],
  cancelled: [],
};

export function allowedAssignmentTransitions(status: AssignmentStatus): readonly AssignmentStatus[] {
  return ASSIGNMENT_TRANSITIONS[status];
}

type ActiveStatus = Exclude<AssignmentStatus, 'declined' | 'cancelled'>;

const PROGRESS_RANK: Record<ActiveStatus, number> = {
  dispatched: 0,
  acknowledged: 1,
  en_route: 2,
  on_scene: 3,
  resolved: 4,
};

/**
 * The status of an incident with assignments: resolved when every active (not declined or cancelled)
 * assignment is; otherwise the least advanced of the unfinished ones — an incident counts as
 * "acknowledged" only when every agency sent to it has acknowledged, which is what the
 * response targets measure. With no active assignment left it needs dispatching again.
 */
export function deriveIncidentStatus(assignments: readonly AssignmentStatus[]): IncidentStatus {
  const active = assignments.filter((s): s is ActiveStatus => s !== 'declined' && s !== 'cancelled');
  if (active.length === 0) return 'verified';
  const open = active.filter((s) => s !== 'resolved');
  if (open.length === 0) return 'resolved';
  return open.reduce((least, s) => (PROGRESS_RANK[s] < PROGRESS_RANK[least] ? s : least));
}

export function isOpen(status: IncidentStatus): boolean {
  return OPEN_STATUSES.includes(status);
}
