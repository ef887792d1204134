/**
 * Incidents, units and live messages for the wall-board's unit tests (root test/board-*.test.ts),
 * shaped like the API's.
 */
import type { Assignment, Incident, LiveEvent, LiveSnapshot, Unit } from '@sigap/sdk';

let n = 0;

export const T0 = Date.parse('2026-11-23T03:00:00Z'); // 10:00 WIB

export function incident(over: Partial<Incident> & { id?: string } = {}): Incident {
  n++;
  const id = over.id ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    number: `SDA-20261123-${String(n).padStart(4, '0')}`,
    status: 'verified',
    category: 'fire',
    priority: 'P1',
    description: 'Rumah terbakar',
    condition: {},
    location: {
      point: { lon: 112.7205, lat: -7.4478 },
      accuracyM: 10,
      source: 'device_gps',
      address: null,
      desaCode: null,
      kecamatanCode: '35.15.01',
      outsideJurisdiction: false,
      jurisdictionCode: '35.15',
      status: 'located',
      confidence: null,
      desaApproximate: false,
    },
    reporter: { name: null, phone: null },
    externalRefs: {},
    callId: null,
    mergedInto: null,
    assignments: [],
    answerDueAt: null,
    overdue: false,
    noUnitAvailable: false,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    resolvedAt: null,
    seq: 1,
    ...over,
  };
}

export function assignment(over: Partial<Assignment> = {}): Assignment {
  return {
    id: `a-${++n}`,
    incidentId: 'i',
    agencyId: 'ag-damkar',
    agencyCode: 'DAMKAR-SDA',
    agencyType: 'DAMKAR',
    unitId: null,
    status: 'dispatched',
    declinedReason: null,
    handoff: null,
    due: {
      acknowledge: new Date(T0 + 3 * 60_000).toISOString(),
      onScene: new Date(T0 + 16 * 60_000).toISOString(),
      resolve: null,
    },
    dispatchedAt: new Date(T0 + 60_000).toISOString(),
    acknowledgedAt: null,
    enRouteAt: null,
    onSceneAt: null,
    resolvedAt: null,
    overdue: false,
    ...over,
  };
}

export function unit(over: Partial<Unit> = {}): Unit {
  return {
    id: `u-${++n}`,
    code: 'DAMKAR-SDA-01',
    name: 'Pos Damkar Sidoarjo',
    kind: 'fire_engine',
    agencyId: 'ag-damkar',
    agencyCode: 'DAMKAR-SDA',
    agencyType: 'DAMKAR',
    location: { lon: 112.71, lat: -7.45 },
    hasServiceArea: false,
    status: 'available',
    expectedFreeAt: null,
    positionAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    ...over,
  };
}

const event = {
  actor: { keyId: null, role: 'system', name: 'test' },
  assignmentId: null,
  unitId: null,
  callId: null,
  payload: {},
};

export function incidentMessage(seq: number, type: string, i: Incident): LiveEvent {
  return { seq, type, at: new Date(T0 + seq * 1000).toISOString(), incident: { ...i, seq }, event };
}

export function callMessage(seq: number, id: string): LiveEvent {
  const at = new Date(T0 + seq * 1000).toISOString();
  return {
    seq,
    type: 'call.logged',
    at,
    call: {
      id,
      channel: 'phone',
      callerNumber: null,
      callerE164: null,
      callerValid: false,
      startedAt: at,
      endedAt: null,
      callTaker: null,
      outcome: null,
      incidentId: null,
      laporReference: null,
      blockOverridden: false,
      notes: null,
      createdAt: at,
    },
    event,
  };
}

export function unitMessage(seq: number, u: Unit): LiveEvent {
  return { seq, type: 'unit.position', at: new Date(T0 + seq * 1000).toISOString(), unit: u, event };
}

export function snapshot(seq: number, incidents: Incident[], units: Unit[] = []): LiveSnapshot {
  return { type: 'snapshot', seq, at: new Date(T0).toISOString(), incidents, units };
}
