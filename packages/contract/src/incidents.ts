import Type, { type Static } from 'typebox';
import { Page } from './common.js';
import { AssignmentStatus, IncidentStatus, LocationSource, Priority } from './enums.js';
import { BboxParam, Point } from './geo.js';
import { LocationResolution, LocationStatus } from './location.js';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export const CategoryCode = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  description: 'e.g. fire, traffic_accident',
});

export const IncidentCondition = Type.Object(
  {
    victims: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000, description: 'people hurt or at risk' }),
    ),
    trapped: Type.Optional(Type.Boolean()),
    danger: Type.Optional(Text(500, 'ongoing danger: fire spreading, live wires, water rising...')),
  },
  { additionalProperties: false },
);

export const IncidentLocation = Type.Object(
  {
    point: Type.Optional(Point),
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
    source: Type.Optional(LocationSource),
    address: Type.Optional(Text(500, 'the address as the caller said it')),
  },
  { additionalProperties: false },
);

export const ExternalRefs = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' }), Text(200), {
  maxProperties: 10,
  description: 'references in other systems, e.g. { "citizenApp": "A-123" }',
});

/** What a report must hold: what happened, its condition, where, and a callback number. */
export const CreateIncidentBody = Type.Object(
  {
    category: CategoryCode,
    priority: Type.Optional(Priority),
    description: Type.String({ maxLength: 4000 }),
    condition: Type.Optional(IncidentCondition),
    location: IncidentLocation,
    reporter: Type.Optional(
      Type.Object(
        { name: Type.Optional(Text(120)), phone: Type.Optional(Text(40, 'callback number')) },
        { additionalProperties: false },
      ),
    ),
    callId: Type.Optional(Type.String({ format: 'uuid', description: 'the verified call this comes from' })),
    externalRefs: Type.Optional(ExternalRefs),
  },
  { additionalProperties: false },
);
export type CreateIncidentBody = Static<typeof CreateIncidentBody>;

export const Handoff = Type.Object(
  {
    ticket: Type.Optional(Text(80, "the institution's ticket number")),
    promisedAt: Type.Optional(Type.String({ format: 'date-time', 'x-sigap-max-days-ahead': 366 })),
    confirmedBy: Type.Optional(Text(120)),
  },
  { additionalProperties: false },
);
export type Handoff = Static<typeof Handoff>;

export const Assignment = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  agencyId: Type.String(),
  agencyCode: Type.String(),
  agencyType: Type.String(),
  unitId: Type.Union([Type.String(), Type.Null()]),
  status: AssignmentStatus,
  declinedReason: Type.Union([Type.String(), Type.Null()]),
  handoff: Type.Union([Handoff, Type.Null()]),
  due: Type.Object({
    acknowledge: Type.Union([Type.String(), Type.Null()]),
    onScene: Type.Union([Type.String(), Type.Null()]),
    resolve: Type.Union([Type.String(), Type.Null()]),
  }),
  dispatchedAt: Type.String(),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  enRouteAt: Type.Union([Type.String(), Type.Null()]),
  onSceneAt: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
});
export type Assignment = Static<typeof Assignment>;

export const Incident = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'human number, e.g. SDA-20261122-0042' }),
  status: IncidentStatus,
  category: Type.String(),
  priority: Priority,
  description: Type.String(),
  condition: IncidentCondition,
  location: Type.Object({
    point: Type.Union([Point, Type.Null()]),
    accuracyM: Type.Union([Type.Number(), Type.Null()]),
    source: Type.Union([LocationSource, Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    desaCode: Type.Union([Type.String(), Type.Null()]),
    kecamatanCode: Type.Union([Type.String(), Type.Null()]),
    outsideJurisdiction: Type.Boolean(),
    jurisdictionCode: Type.Union([Type.String(), Type.Null()]),
    status: LocationStatus,
    confidence: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
      description: 'for a geocoded point: the confidence of the candidate it came from',
    }),
    desaApproximate: Type.Boolean({
      description:
        'desaCode is the nearest desa point within the tenant radius (no desa boundary, no address match)',
    }),
  }),
  reporter: Type.Object({
    name: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()], { description: 'masked for roles that do not need it' }),
  }),
  externalRefs: Type.Record(Type.String(), Type.String()),
  callId: Type.Union([Type.String(), Type.Null()]),
  mergedInto: Type.Union([Type.String(), Type.Null()]),
  assignments: Type.Array(Assignment),
  answerDueAt: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
  noUnitAvailable: Type.Boolean({
    description: 'no unit of a responsible agency was available when last checked',
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
  seq: Type.Integer({ description: 'sequence number of the last event that changed this incident' }),
});
export type Incident = Static<typeof Incident>;

export const Candidate = Type.Object({
  unitId: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  unitKind: Type.String(),
  unitStatus: Type.String(),
  agencyId: Type.String(),
  agencyCode: Type.String(),
  agencyType: Type.String(),
  distanceM: Type.Number({ description: 'straight-line distance' }),
  etaSeconds: Type.Union([Type.Integer(), Type.Null()]),
  expectedFreeAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String({ description: 'why this unit, in a sentence a dispatcher can read' }),
});
export type Candidate = Static<typeof Candidate>;

/** One slot of the response plan: which units fill it, what is still missing, who else could go. */
export const PlanSlotFill = Type.Object({
  unitType: Type.String(),
  count: Type.Integer(),
  agencyTypes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  because: Type.String({ description: "'plan', or the rule that added the slot, e.g. 'victims >= 1'" }),
  alreadyAssigned: Type.Integer({ description: 'units of this type already on the incident' }),
  chosen: Type.Array(Candidate),
  unfilled: Type.Integer({ description: 'units the plan wants that no available unit can fill' }),
  alternatives: Type.Array(Candidate, { description: 'the next-nearest available units of this type' }),
});
export type PlanSlotFill = Static<typeof PlanSlotFill>;

export const PlanFill = Type.Object({
  slots: Type.Array(PlanSlotFill),
  unfilled: Type.Array(Type.Object({ unitType: Type.String(), count: Type.Integer() })),
  summary: Type.Union([Type.String(), Type.Null()], {
    description: "e.g. 'unfilled: 1 boat'; null when all filled",
  }),
});
export type PlanFill = Static<typeof PlanFill>;

/** For each agency type the incident needs: the nearest units that can go, best first. */
export const Recommendation = Type.Object({
  incidentId: Type.String(),
  needs: Type.Array(
    Type.Object({
      agencyType: Type.String(),
      /** Set when this type stands in for the category's first choice, which had no unit. */
      fallbackFor: Type.Union([Type.Array(Type.String()), Type.Null()]),
      candidates: Type.Array(Candidate),
    }),
  ),
  noUnitAvailable: Type.Boolean(),
  travelTime: Type.String({ description: 'straight_line or osrm' }),
  plan: Type.Optional(
    Type.Union([PlanFill, Type.Null()], {
      description: "the category's response plan filled with the nearest available units of each type",
    }),
  ),
});
export type Recommendation = Static<typeof Recommendation>;

export const RecommendationQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })) },
  { additionalProperties: false },
);

export const PossibleDuplicate = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: IncidentStatus,
  distanceM: Type.Number(),
  createdAt: Type.String(),
});

export const CreateIncidentResponse = Type.Object({
  incident: Incident,
  possibleDuplicates: Type.Array(PossibleDuplicate),
  /** Nearest available units per responsible agency type (null without a point, and for integrators). */
  recommendation: Type.Union([Recommendation, Type.Null()]),
  /** How the location was found when no point was sent (null when it was). */
  geocoding: Type.Union([LocationResolution, Type.Null()]),
  possibleDuplicateNearby: Type.Optional(
    Type.Boolean({
      description:
        'an open incident of the same category was reported nearby; integrators get only this, not the list',
    }),
  ),
});
export type CreateIncidentResponse = Static<typeof CreateIncidentResponse>;

export const IncidentParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ListIncidentsQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(IncidentStatus, { maxItems: 11 })),
    open: Type.Optional(Type.Boolean({ description: 'only incidents not closed/cancelled/rejected/merged' })),
    category: Type.Optional(Type.Array(CategoryCode, { maxItems: 40 })),
    priority: Type.Optional(Type.Array(Priority, { maxItems: 3 })),
    agency: Type.Optional(Type.String({ format: 'uuid', description: 'incidents assigned to this agency' })),
    kecamatan: Type.Optional(Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}$' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    bbox: Type.Optional(BboxParam),
    overdue: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListIncidentsQuery = Static<typeof ListIncidentsQuery>;

export const IncidentPage = Page(Incident);
export type IncidentPage = Static<typeof IncidentPage>;

/** Incident-level changes; agency progress goes through assignment transitions. */
export const INCIDENT_ACTIONS = ['verified', 'cancelled', 'rejected', 'closed', 'reopened'] as const;
export const TransitionIncidentBody = Type.Object(
  {
    to: Type.Enum(INCIDENT_ACTIONS),
    note: Type.Optional(Text(1000)),
    priority: Type.Optional(Priority),
  },
  { additionalProperties: false },
);
export type TransitionIncidentBody = Static<typeof TransitionIncidentBody>;

export const DispatchBody = Type.Object(
  {
    /** Send what GET /incidents/:id/recommendations proposes: the best unit per needed agency type. */
    acceptRecommendation: Type.Optional(Type.Boolean()),
    assignments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            agencyId: Type.String({ format: 'uuid' }),
            unitId: Type.Optional(Type.String({ format: 'uuid' })),
            handoff: Type.Optional(Handoff),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 10 },
      ),
    ),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type DispatchBody = Static<typeof DispatchBody>;

export const ASSIGNMENT_ACTIONS = ['acknowledged', 'en_route', 'on_scene', 'resolved', 'declined'] as const;
export const TransitionAssignmentBody = Type.Object(
  {
    to: Type.Enum(ASSIGNMENT_ACTIONS),
    note: Type.Optional(Text(1000)),
    reason: Type.Optional(Text(500, 'required when declining')),
    handoff: Type.Optional(Handoff),
  },
  { additionalProperties: false },
);
export type TransitionAssignmentBody = Static<typeof TransitionAssignmentBody>;

export const AssignmentParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const MergeBody = Type.Object(
  {
    into: Type.String({ format: 'uuid', description: 'the incident this one duplicates' }),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

export const Event = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  at: Type.String(),
  actor: Type.Object({
    keyId: Type.Union([Type.String(), Type.Null()]),
    role: Type.String(),
    name: Type.String(),
  }),
  incidentId: Type.Union([Type.String(), Type.Null()]),
  assignmentId: Type.Union([Type.String(), Type.Null()]),
  unitId: Type.Union([Type.String(), Type.Null()]),
  callId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
});
export type Event = Static<typeof Event>;

export const EventPage = Page(Event);
export const EventsQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'only events with seq greater than this' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** The answer to a location correction: the incident as it is now, with what the move changed. */
export const UpdateIncidentLocationResponse = Type.Object({
  incident: Incident,
  /** Open incidents of the same category near the NEW point. */
  possibleDuplicates: Type.Array(PossibleDuplicate),
  /** Units recommended for the new point (null when it still has none). */
  recommendation: Type.Union([Recommendation, Type.Null()]),
  /** Set when an address without a point was geocoded. */
  geocoding: Type.Union([LocationResolution, Type.Null()]),
});
export type UpdateIncidentLocationResponse = Static<typeof UpdateIncidentLocationResponse>;
