import Type, { type Static } from 'typebox';
import { Point } from './geo.js';

// Geocoding: addresses as call takers type them → candidate locations, and points → areas.

export const PLACE_KINDS = [
  'landmark',
  'market',
  'mosque',
  'church',
  'school',
  'hospital',
  'office',
  'housing',
  'street',
  'other',
] as const;
export const PlaceKind = Type.Enum(PLACE_KINDS);
export type PlaceKind = Static<typeof PlaceKind>;

export const GEOCODE_SOURCES = ['gazetteer', 'place', 'nominatim', 'photon'] as const;
export const GeocodeSource = Type.Enum(GEOCODE_SOURCES, {
  description:
    "gazetteer: the tenant's kecamatan and desa names; place: an imported place (landmark, market, " +
    'housing estate, street); nominatim/photon: the configured external geocoder',
});
export type GeocodeSource = Static<typeof GeocodeSource>;

export const GeocodeQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description: 'the address as said, e.g. "Ds. Geluran Kec Taman depan masjid"',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
  },
  { additionalProperties: false },
);
export type GeocodeQuery = Static<typeof GeocodeQuery>;

export const AreaCodes = Type.Object(
  {
    desa: Type.Optional(Type.String({ description: 'e.g. 35.15.13.1015' })),
    kecamatan: Type.Optional(Type.String({ description: 'e.g. 35.15.13' })),
    kabupaten: Type.Optional(Type.String({ description: 'e.g. 35.15' })),
  },
  { additionalProperties: false },
);
export type AreaCodes = Static<typeof AreaCodes>;

export const GeocodeCandidate = Type.Object(
  {
    label: Type.String({ description: 'for people, e.g. "Geluran, Kec. Taman"' }),
    point: Type.Optional(Point),
    areaCodes: AreaCodes,
    matched: Type.Enum(['place', 'desa', 'kecamatan', 'address'], {
      description:
        'what the candidate is: a place, a whole desa or kecamatan (its point, when known, is a ' +
        'representative point, not the address), or an address found by the external geocoder',
    }),
    placeKind: Type.Optional(PlaceKind),
    confidence: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'lower when the words matched loosely, or when several areas share the name',
    }),
    source: GeocodeSource,
  },
  { additionalProperties: false },
);
export type GeocodeCandidate = Static<typeof GeocodeCandidate>;

export const GeocodeResponse = Type.Object(
  {
    query: Type.String(),
    normalized: Type.String({ description: 'the words the gazetteer matched on (noise words dropped)' }),
    candidates: Type.Array(GeocodeCandidate, { description: 'best first' }),
    external: Type.Enum(['off', 'ok', 'cached', 'failed', 'timeout'], {
      description: 'what the external geocoder did for this query; the gazetteer always answers',
    }),
  },
  { additionalProperties: false },
);
export type GeocodeResponse = Static<typeof GeocodeResponse>;

export const ReverseGeocodeQuery = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);
export type ReverseGeocodeQuery = Static<typeof ReverseGeocodeQuery>;

export const AreaRef = Type.Object(
  { code: Type.String(), name: Type.String() },
  { additionalProperties: false },
);
export type AreaRef = Static<typeof AreaRef>;

export const DesaRef = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    approximate: Type.Boolean({
      description:
        'true when the desa has no boundary and was taken as the nearest desa point (within ~2 km) ' +
        'in the same kecamatan',
    }),
    distanceM: Type.Optional(Type.Number({ description: 'to that desa point, for approximate answers' })),
  },
  { additionalProperties: false },
);
export type DesaRef = Static<typeof DesaRef>;

export const ReverseGeocodeResponse = Type.Object(
  {
    point: Point,
    desa: Type.Union([DesaRef, Type.Null()]),
    kecamatan: Type.Union([AreaRef, Type.Null()]),
    kabupaten: Type.Union([AreaRef, Type.Null()]),
    insideTenant: Type.Union([Type.Boolean(), Type.Null()], {
      description: 'whether the point is inside the tenant; null when its boundary is not imported',
    }),
  },
  { additionalProperties: false },
);
export type ReverseGeocodeResponse = Static<typeof ReverseGeocodeResponse>;
