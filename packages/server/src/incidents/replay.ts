import type { AssignmentStatus, IncidentStatus, Priority } from '@sigap/contract';

/** The parts of an incident that its events alone must be able to rebuild. */
export interface ReplayedIncident {
  status: IncidentStatus;
  priority: Priority;
  category: string;
  mergedInto: string | null;
  assignments: Record<string, { agencyId: string; unitId: string | null; status: AssignmentStatus }>;
  /** Where it is: from incident.created, then each incident.location_updated's `to`. */
  location: ReplayedLocation;
}

export interface ReplayedLocation {
  point: { lon: number; lat: number } | null;
  desaCode: string | null;
  kecamatanCode: string | null;
}

function locationOf(value: unknown): ReplayedLocation {
  const l = (value ?? {}) as Partial<ReplayedLocation>;
  return { point: l.point ?? null, desaCode: l.desaCode ?? null, kecamatanCode: l.kecamatanCode ?? null };
}

export interface TrailEvent {
  seq: number;
  type: string;
  assignmentId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Rebuilds an incident from its audit trail, oldest event first. The incident row is a
 * projection of these events: `verify` (CLI) and the property tests check that they agree.
 */
export function replayIncident(events: readonly TrailEvent[]): ReplayedIncident {
  const first = events[0];
  if (first?.type !== 'incident.created') throw new Error('a trail starts with incident.created');
  const p = first.payload as { status: IncidentStatus; priority: Priority; category: string };
  const state: ReplayedIncident = {
    status: p.status,
    priority: p.priority,
    category: p.category,
    mergedInto: null,
    assignments: {},
    location: locationOf((first.payload as { location?: unknown }).location),
  };
  for (const event of events.slice(1)) {
    const payload = event.payload as Record<string, string | null>;
    switch (event.type) {
      case 'incident.status_changed':
        state.status = payload.to as IncidentStatus;
        if (payload.to === 'merged') state.mergedInto = payload.into ?? null;
        break;
      case 'incident.priority_changed':
        state.priority = payload.to as Priority;
        break;
      case 'assignment.created':
        state.assignments[event.assignmentId!] = {
          agencyId: payload.agencyId!,
          unitId: payload.unitId ?? null,
          status: 'dispatched',
        };
        break;
      case 'assignment.status_changed': {
        const assignment = state.assignments[event.assignmentId!];
        if (!assignment) throw new Error(`event ${event.seq}: unknown assignment ${event.assignmentId}`);
        assignment.status = payload.to as AssignmentStatus;
        break;
      }
      case 'incident.location_updated':
        state.location = locationOf((event.payload as { to?: unknown }).to);
        break;
      default:
        // Other events (reopened, duplicate_linked, sla_breached...) inform but change no state here.
        break;
    }
  }
  return state;
}
