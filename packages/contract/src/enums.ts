import Type, { type Static } from 'typebox';

// String enums are plain JSON Schema `enum`s: readable in OpenAPI, and typed as unions.

export const ROLES = ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;
export const Role = Type.Enum(ROLES);
export type Role = Static<typeof Role>;

export const PRIORITIES = ['P1', 'P2', 'P3'] as const;
export const Priority = Type.Enum(PRIORITIES, {
  description: 'P1 life or property at risk now; P2 urgent; P3 complaint/infrastructure',
});
export type Priority = Static<typeof Priority>;

export const INCIDENT_STATUSES = [
  'received',
  'verified',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
  'resolved',
  'closed',
  'cancelled',
  'rejected',
  'merged',
] as const;
export const IncidentStatus = Type.Enum(INCIDENT_STATUSES);
export type IncidentStatus = Static<typeof IncidentStatus>;

/** `declined` by the agency (with a reason); `cancelled` when the incident itself was cancelled, rejected or merged. */
export const ASSIGNMENT_STATUSES = [
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
  'resolved',
  'declined',
  'cancelled',
] as const;
export const AssignmentStatus = Type.Enum(ASSIGNMENT_STATUSES);
export type AssignmentStatus = Static<typeof AssignmentStatus>;

export const LOCATION_SOURCES = [
  'device_gps',
  'aml',
  'geocoded',
  'map_pick',
  'area_centroid',
  'network',
] as const;
export const LocationSource = Type.Enum(LOCATION_SOURCES, {
  description:
    'device GPS, Advanced Mobile Location, geocoded address, picked on a map, an area centroid, or the ' +
    "network's estimate (cell or Wi-Fi position from the operator or a telephony integration)",
});
export type LocationSource = Static<typeof LocationSource>;

export const CHANNELS = ['phone', 'app', 'sms', 'web', 'radio', 'walk_in'] as const;
export const Channel = Type.Enum(CHANNELS);
export type Channel = Static<typeof Channel>;

export const CALL_OUTCOMES = [
  'incident',
  'prank',
  'silent',
  'misdial',
  'info',
  'duplicate',
  'non_emergency',
] as const;
export const CallOutcome = Type.Enum(CALL_OUTCOMES);
export type CallOutcome = Static<typeof CallOutcome>;

export const UNIT_STATUSES = ['available', 'busy', 'offline'] as const;
export const UnitStatus = Type.Enum(UNIT_STATUSES);
export type UnitStatus = Static<typeof UnitStatus>;

export const AGENCY_KINDS = ['opd', 'vertical'] as const;
export const AgencyKind = Type.Enum(AGENCY_KINDS);
export type AgencyKind = Static<typeof AgencyKind>;
