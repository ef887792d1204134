/**
 * The in-memory Sigap API behind `@sigap/sdk/testing`: incidents, their lifecycle and their
 * events, with the server's state machines and error codes. Not a database: no roles, no
 * areas, no units, no response targets. What it does do, it does like the server, and
 * test/testing-parity.test.ts runs one scenario against both to keep it so.
 */
import type {
  Assignment,
  AssignmentStatus,
  CreateIncidentBody,
  CreateIncidentResponse,
  DispatchBody,
  Event,
  Incident,
  IncidentStatus,
  Role,
  TransitionAssignmentBody,
  TransitionIncidentBody,
  UpdateIncidentLocationBody,
  UpdateIncidentLocationResponse,
} from '../types.js';

/** A failure the handlers turn into the server's error body `{ code, message, requestId, ... }`. */
export class MockApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

// The server's state machines (packages/server/src/incidents/lifecycle.ts), as data.
const INCIDENT_ACTIONS: Record<IncidentStatus, readonly string[]> = {
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
const ASSIGNMENT_TRANSITIONS: Record<AssignmentStatus, readonly AssignmentStatus[]> = {
  dispatched: ['acknowledged', 'declined'],
  acknowledged: ['en_route', 'on_scene', 'resolved', 'declined'],
  en_route: ['on_scene', 'resolved'],
  on_scene: ['resolved'],
  resolved: [],
  declined: [],
  cancelled: [],
};
const RANK = ['dispatched', 'acknowledged', 'en_route', 'on_scene', 'resolved'] as const;
const STAMP: Partial<Record<AssignmentStatus, keyof Assignment>> = {
  acknowledged: 'acknowledgedAt',
  en_route: 'enRouteAt',
  on_scene: 'onSceneAt',
  resolved: 'resolvedAt',
};
export const OPEN: readonly IncidentStatus[] = [
  'received',
  'verified',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
];

/** The incident status its assignments imply (as the server's `deriveIncidentStatus`). */
function derive(assignments: readonly Assignment[]): IncidentStatus {
  const active = assignments.map((a) => a.status).filter((s) => s !== 'declined' && s !== 'cancelled');
  if (active.length === 0) return 'verified';
  const open = active.filter((s) => s !== 'resolved');
  if (open.length === 0) return 'resolved';
  return RANK[Math.min(...open.map((s) => RANK.indexOf(s as (typeof RANK)[number])))]!;
}

export interface MockStoreOptions {
  /** The role every key acts as: integrators' reports start `received`, others' `verified`. Default `call_taker`. */
  role?: Role;
  /** Incident number prefix. Default `MCK`. */
  numberPrefix?: string;
}

/**
 * @example
 * const mock = createSigapMock();
 * const [incident] = mock.store.incidents.values();
 * mock.store.transition(incident.id, { to: 'cancelled' }); // as if a dispatcher did it
 */
export class MockStore {
  readonly incidents = new Map<string, Incident>();
  readonly events: Event[] = [];
  private readonly listeners = new Set<(event: Event) => void>();
  private count = 0;
  readonly role: Role;
  private readonly prefix: string;

  constructor(options: MockStoreOptions = {}) {
    this.role = options.role ?? 'call_taker';
    this.prefix = options.numberPrefix ?? 'MCK';
  }

  get seq(): number {
    return this.events.length;
  }

  /** Called with every new event (the live stream listens here). */
  subscribe(listener: (event: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): Incident {
    const incident = this.incidents.get(id);
    if (!incident) throw new MockApiError(404, 'SIGAP_ERR_NOT_FOUND', 'No such incident.');
    return incident;
  }

  create(body: CreateIncidentBody): CreateIncidentResponse {
    const now = new Date().toISOString();
    const day = now.slice(0, 10).replace(/-/g, '');
    const status: IncidentStatus = this.role === 'integrator' ? 'received' : 'verified';
    const l = body.location;
    const incident: Incident = {
      id: crypto.randomUUID(),
      number: `${this.prefix}-${day}-${String(++this.count).padStart(4, '0')}`,
      status,
      category: body.category,
      priority: body.priority ?? 'P2',
      description: body.description,
      condition: body.condition ?? {},
      location: {
        point: l.point ?? null,
        accuracyM: l.accuracyM ?? null,
        source: l.source ?? null,
        address: l.address ?? null,
        desaCode: null,
        kecamatanCode: null,
        outsideJurisdiction: false,
        jurisdictionCode: null,
        // The fake does not geocode: an address without a point waits for review, as on a server
        // where nothing matched.
        status: l.point ? 'located' : 'needs_review',
        confidence: null,
        desaApproximate: false,
      },
      reporter: { name: body.reporter?.name ?? null, phone: body.reporter?.phone ?? null },
      externalRefs: body.externalRefs ?? {},
      callId: body.callId ?? null,
      mergedInto: null,
      assignments: [],
      answerDueAt: null,
      overdue: false,
      noUnitAvailable: false,
      createdAt: now,
      updatedAt: now,
      resolvedAt: null,
      seq: 0,
    };
    this.incidents.set(incident.id, incident);
    this.record(incident, 'incident.created', { number: incident.number, status, category: body.category });
    const recommendation = l.point
      ? // The fake has no fleet and no response plans: nothing to recommend, no plan to fill.
        { incidentId: incident.id, needs: [], noUnitAvailable: true, travelTime: 'straight_line', plan: null }
      : null;
    const geocoding: CreateIncidentResponse['geocoding'] = l.point
      ? null
      : {
          outcome: 'needs_review',
          query: l.address ?? null,
          confidence: null,
          threshold: 0.6,
          pointFrom: null,
          candidates: [],
          external: 'off',
        };
    return {
      incident: structuredClone(incident),
      possibleDuplicates: [],
      possibleDuplicateNearby: false,
      recommendation,
      geocoding,
    };
  }

  transition(id: string, body: TransitionIncidentBody): Incident {
    const incident = this.get(id);
    this.allow(incident, body.to);
    const from = incident.status;
    if (body.to === 'reopened') {
      for (const a of incident.assignments) if (a.status === 'resolved') a.status = 'dispatched';
      incident.status = derive(incident.assignments);
      incident.resolvedAt = null;
      this.record(incident, 'incident.reopened', { from });
      return structuredClone(incident);
    }
    if (body.to === 'cancelled' || body.to === 'rejected') {
      for (const a of incident.assignments) {
        if (['resolved', 'declined', 'cancelled'].includes(a.status)) continue;
        const was = a.status;
        a.status = 'cancelled';
        this.record(incident, 'assignment.status_changed', { from: was, to: 'cancelled' }, a.id);
      }
    }
    if (body.priority) incident.priority = body.priority;
    incident.status = body.to;
    this.record(incident, 'incident.status_changed', {
      from,
      to: body.to,
      ...(body.note && { note: body.note }),
    });
    return structuredClone(incident);
  }

  /** A location correction. The fake does not geocode: an address alone keeps the point. */
  locate(id: string, body: UpdateIncidentLocationBody): UpdateIncidentLocationResponse {
    const incident = this.get(id);
    if (!body.point && !body.address) {
      throw new MockApiError(400, 'SIGAP_ERR_VALIDATION', 'Invalid request', {
        details: [{ path: '/body', code: 'required', message: 'needs a point or an address' }],
      });
    }
    if (this.role === 'integrator' && incident.status !== 'received') {
      throw new MockApiError(409, 'SIGAP_ERR_CONFLICT', `The incident is ${incident.status}.`);
    }
    const from = structuredClone(incident.location);
    const l = incident.location;
    if (body.point) {
      Object.assign(l, {
        point: body.point,
        source: body.source ?? 'map_pick',
        accuracyM: body.accuracyM ?? null,
        confidence: null,
        status: 'located',
        desaCode: null,
        kecamatanCode: null,
        desaApproximate: false,
      });
    }
    if (body.address) l.address = body.address;
    this.record(incident, 'incident.location_updated', {
      from,
      to: structuredClone(l),
      reason: body.reason ?? null,
    });
    const recommendation = l.point
      ? { incidentId: id, needs: [], noUnitAvailable: true, travelTime: 'straight_line', plan: null }
      : null;
    const geocoding: UpdateIncidentLocationResponse['geocoding'] =
      body.address && !body.point
        ? {
            outcome: 'needs_review',
            query: body.address,
            confidence: null,
            threshold: 0.6,
            pointFrom: null,
            candidates: [],
            external: 'off',
          }
        : null;
    return { incident: structuredClone(incident), possibleDuplicates: [], recommendation, geocoding };
  }

  dispatch(id: string, body: DispatchBody): Incident {
    const incident = this.get(id);
    this.allow(incident, 'dispatch');
    if (!body.assignments?.length) {
      throw new MockApiError(
        409,
        'SIGAP_ERR_CONFLICT',
        'The mock has no units to recommend: name the agencies.',
      );
    }
    const now = new Date().toISOString();
    for (const wanted of body.assignments) {
      const assignment: Assignment = {
        id: crypto.randomUUID(),
        incidentId: id,
        agencyId: wanted.agencyId,
        agencyCode: 'MOCK-AGENCY',
        agencyType: 'MOCK',
        unitId: wanted.unitId ?? null,
        status: 'dispatched',
        declinedReason: null,
        handoff: wanted.handoff ?? null,
        due: { acknowledge: null, onScene: null, resolve: null },
        dispatchedAt: now,
        acknowledgedAt: null,
        enRouteAt: null,
        onSceneAt: null,
        resolvedAt: null,
        overdue: false,
      };
      incident.assignments.push(assignment);
      this.record(incident, 'assignment.created', { agencyId: wanted.agencyId }, assignment.id);
    }
    this.sync(incident, 'dispatched');
    return structuredClone(incident);
  }

  transitionAssignment(id: string, body: TransitionAssignmentBody): Incident {
    const incident = [...this.incidents.values()].find((i) => i.assignments.some((a) => a.id === id));
    const assignment = incident?.assignments.find((a) => a.id === id);
    if (!incident || !assignment) throw new MockApiError(404, 'SIGAP_ERR_NOT_FOUND', 'No such assignment.');
    const allowed = ASSIGNMENT_TRANSITIONS[assignment.status];
    if (!allowed.includes(body.to)) {
      throw new MockApiError(
        409,
        'SIGAP_ERR_ILLEGAL_TRANSITION',
        `An assignment that is ${assignment.status} cannot become ${body.to}.`,
        { allowed: [...allowed] },
      );
    }
    if (body.to === 'declined' && !body.reason) {
      throw new MockApiError(400, 'SIGAP_ERR_VALIDATION', 'Invalid request', {
        details: [{ path: '/body/reason', code: 'required', message: 'say why the agency declines' }],
      });
    }
    const from = assignment.status;
    assignment.status = body.to;
    const stamp = STAMP[body.to];
    if (stamp) (assignment as Record<string, unknown>)[stamp] = new Date().toISOString();
    if (body.to === 'declined') assignment.declinedReason = body.reason ?? null;
    this.record(incident, 'assignment.status_changed', { from, to: body.to }, id);
    this.sync(incident, `assignment ${body.to}`);
    return structuredClone(incident);
  }

  private sync(incident: Incident, reason: string): void {
    const from = incident.status;
    const to = derive(incident.assignments);
    if (to === from) return;
    incident.status = to;
    incident.resolvedAt = to === 'resolved' ? new Date().toISOString() : null;
    this.record(incident, 'incident.status_changed', { from, to, reason });
  }

  private allow(incident: Incident, action: string): void {
    const allowed = INCIDENT_ACTIONS[incident.status];
    if (allowed.includes(action)) return;
    const verb = action === 'dispatch' || action === 'merge' ? `${action}ed` : action;
    throw new MockApiError(
      409,
      'SIGAP_ERR_ILLEGAL_TRANSITION',
      `An incident that is ${incident.status} cannot be ${verb}.`,
      // Like the server: only values a transition's `to` accepts (dispatch and merge have routes of their own).
      { allowed: allowed.filter((a) => a !== 'dispatch' && a !== 'merge') },
    );
  }

  private record(incident: Incident, type: string, payload: Record<string, unknown>, assignmentId?: string) {
    const event: Event = {
      seq: this.events.length + 1,
      type,
      at: new Date().toISOString(),
      actor: { keyId: 'mock-key', role: this.role, name: `Mock ${this.role}` },
      incidentId: incident.id,
      assignmentId: assignmentId ?? null,
      unitId: null,
      callId: null,
      payload,
    };
    this.events.push(event);
    incident.seq = event.seq;
    incident.updatedAt = event.at;
    // After the current operation, as the server's stream reads state after the commit: every
    // message of one dispatch shows the incident as the dispatch left it.
    queueMicrotask(() => {
      for (const listener of [...this.listeners]) listener(event);
    });
  }
}
