import type { Assignment, Event, Incident } from '@sigap/contract';
import { maskPhone, type Principal, seesFullPhoneNumbers } from '../auth/principal.js';

export interface IncidentRow {
  id: string;
  number: string;
  status: Incident['status'];
  category: string;
  priority: Incident['priority'];
  description: string;
  condition: Incident['condition'];
  lon: number | null;
  lat: number | null;
  location_accuracy_m: number | null;
  location_source: Incident['location']['source'];
  address_text: string | null;
  desa_code: string | null;
  kecamatan_code: string | null;
  outside_jurisdiction: boolean;
  jurisdiction_code: string | null;
  location_status: Incident['location']['status'];
  location_confidence: number | null;
  desa_approximate: boolean;
  reporter_name: string | null;
  reporter_phone: string | null;
  external_refs: Record<string, string>;
  call_id: string | null;
  merged_into: string | null;
  no_unit_available: boolean;
  answer_due_at: Date | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  last_seq: number;
  created_by: string | null;
  overdue: boolean;
  cursor_at: string;
  assignments: AssignmentJson[];
}

/** Assignments arrive as JSON built in SQL: timestamps are strings in the session's offset. */
interface AssignmentJson {
  id: string;
  incidentId: string;
  agencyId: string;
  agencyCode: string;
  agencyType: string;
  unitId: string | null;
  status: Assignment['status'];
  declinedReason: string | null;
  handoff: Assignment['handoff'];
  ackDueAt: string | null;
  onSceneDueAt: string | null;
  resolveDueAt: string | null;
  dispatchedAt: string;
  acknowledgedAt: string | null;
  enRouteAt: string | null;
  onSceneAt: string | null;
  resolvedAt: string | null;
  overdue: boolean;
}

/** Timestamps leave the API as UTC ISO 8601; clients show them in the tenant's zone. */
export function iso(value: Date | string): string;
export function iso(value: Date | string | null): string | null;
export function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function serializeAssignment(a: AssignmentJson): Assignment {
  return {
    id: a.id,
    incidentId: a.incidentId,
    agencyId: a.agencyId,
    agencyCode: a.agencyCode,
    agencyType: a.agencyType,
    unitId: a.unitId,
    status: a.status,
    declinedReason: a.declinedReason,
    handoff: a.handoff,
    due: { acknowledge: iso(a.ackDueAt), onScene: iso(a.onSceneDueAt), resolve: iso(a.resolveDueAt) },
    dispatchedAt: iso(a.dispatchedAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    enRouteAt: iso(a.enRouteAt),
    onSceneAt: iso(a.onSceneAt),
    resolvedAt: iso(a.resolvedAt),
    overdue: a.overdue,
  };
}

export function serializeIncident(row: IncidentRow, principal: Principal): Incident {
  const fullPhones = seesFullPhoneNumbers(principal.role);
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    category: row.category,
    priority: row.priority,
    description: row.description,
    condition: row.condition,
    location: {
      point: row.lon === null || row.lat === null ? null : { lon: row.lon, lat: row.lat },
      accuracyM: row.location_accuracy_m,
      source: row.location_source,
      address: row.address_text,
      desaCode: row.desa_code,
      kecamatanCode: row.kecamatan_code,
      outsideJurisdiction: row.outside_jurisdiction,
      jurisdictionCode: row.jurisdiction_code,
      status: row.location_status,
      confidence: row.location_confidence,
      desaApproximate: row.desa_approximate,
    },
    reporter: {
      name: row.reporter_name,
      phone: fullPhones ? row.reporter_phone : maskPhone(row.reporter_phone),
    },
    externalRefs: row.external_refs,
    callId: row.call_id,
    mergedInto: row.merged_into,
    assignments: row.assignments.map(serializeAssignment),
    answerDueAt: iso(row.answer_due_at),
    overdue: row.overdue,
    noUnitAvailable: row.no_unit_available,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    resolvedAt: iso(row.resolved_at),
    seq: row.last_seq,
  };
}

export interface EventRow {
  seq: number;
  type: string;
  at: Date;
  actor: Event['actor'];
  incident_id: string | null;
  assignment_id: string | null;
  unit_id: string | null;
  call_id: string | null;
  payload: Record<string, unknown>;
}

/** Events may carry a reporter's or caller's number in their payload: masked like everywhere else. */
export function serializeEvent(row: EventRow, principal: Principal): Event {
  return {
    seq: row.seq,
    type: row.type,
    at: iso(row.at),
    actor: row.actor,
    incidentId: row.incident_id,
    assignmentId: row.assignment_id,
    unitId: row.unit_id,
    callId: row.call_id,
    payload: seesFullPhoneNumbers(principal.role) ? row.payload : maskPayloadPhones(row.payload),
  };
}

const PHONE_KEYS = new Set(['phone', 'reporterPhone', 'callerNumber', 'callerE164']);

export function maskPayloadPhones(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (PHONE_KEYS.has(key) && (typeof v === 'string' || v === null)) out[key] = maskPhone(v);
    else if (v && typeof v === 'object' && !Array.isArray(v))
      out[key] = maskPayloadPhones(v as Record<string, unknown>);
    else out[key] = v;
  }
  return out;
}
