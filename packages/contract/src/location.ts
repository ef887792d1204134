import Type, { type Static } from 'typebox';
import { LocationSource } from './enums.js';
import { Point } from './geo.js';
import { GeocodeCandidate } from './geocoding.js';

// Where an incident or call is: how a location was resolved from an address, and the bodies
// that set or correct one afterwards (POST /incidents/{id}/location, POST /calls/{id}/location).

export const LOCATION_STATUSES = ['located', 'needs_review'] as const;
export const LocationStatus = Type.Enum(LOCATION_STATUSES, {
  description:
    'located: the incident has a point; needs_review: only an address that could not be placed with ' +
    'enough confidence, so a call taker must pick a candidate or a point on the map',
});
export type LocationStatus = Static<typeof LocationStatus>;

export const LocationResolution = Type.Object(
  {
    outcome: Type.Enum(['geocoded', 'needs_review', 'from_call'], {
      description:
        'geocoded: the best candidate was confident enough and became the point; needs_review: it was not (or ' +
        'nothing matched) and the incident has no point yet; from_call: the point is the one its call carried',
    }),
    query: Type.Union([Type.String(), Type.Null()], { description: 'the address that was geocoded' }),
    confidence: Type.Union([Type.Number(), Type.Null()], { description: "the best candidate's confidence" }),
    threshold: Type.Number({ description: 'the tenant setting geocodeConfidenceThreshold applied' }),
    pointFrom: Type.Union([Type.Enum(['candidate', 'kecamatan']), Type.Null()], {
      description:
        "candidate: the candidate's own point; kecamatan: the candidate is a desa without a point, so the " +
        "point is its kecamatan's representative point (source area_centroid, accuracyM its radius)",
    }),
    candidates: Type.Array(GeocodeCandidate, { description: 'best first; pick one with POST .../location' }),
    external: Type.Enum(['off', 'ok', 'cached', 'failed', 'timeout']),
  },
  { additionalProperties: false },
);
export type LocationResolution = Static<typeof LocationResolution>;

/** A location a call carried before its incident existed (AML SMS, the operator's cell position). */
export const CallLocation = Type.Object(
  {
    point: Point,
    accuracyM: Type.Union([Type.Number(), Type.Null()]),
    source: LocationSource,
    address: Type.Union([Type.String(), Type.Null()]),
    at: Type.String({ description: 'when it was received' }),
  },
  { additionalProperties: false },
);
export type CallLocation = Static<typeof CallLocation>;

export const SetCallLocationBody = Type.Object(
  {
    point: Point,
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
    source: Type.Optional(
      Type.Enum(['device_gps', 'aml', 'network', 'map_pick'], {
        description: 'default network (a cell or Wi-Fi position from the telephony side)',
      }),
    ),
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type SetCallLocationBody = Static<typeof SetCallLocationBody>;

/** A correction: a new point (map pick, GPS, AML, a chosen candidate) and/or a new address. */
export const UpdateIncidentLocationBody = Type.Object(
  {
    point: Type.Optional(Point),
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' })),
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
    source: Type.Optional(LocationSource),
    reason: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: 'why, for the trail ("caller moved")' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIncidentLocationBody = Static<typeof UpdateIncidentLocationBody>;
