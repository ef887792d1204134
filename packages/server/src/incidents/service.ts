import type {
  CreateIncidentBody,
  CreateIncidentResponse,
  Event,
  Incident,
  ListIncidentsQuery,
} from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { DerivedAreas } from '../location/areas.js';
import { deriveAreas } from '../location/areas.js';
import type { ResolvedLocation } from '../location/resolve.js';
import { decodeCursor, encodeCursor } from '../plugins/cursor.js';
import { resolveSettings, type TenantSettings } from '../tenants/defaults.js';
import { recordIncidentEvent, targetsFor } from './projection.js';
import { type EventRow, type IncidentRow, serializeEvent, serializeIncident } from './serialize.js';
import * as sql from './sql.js';

const run = <R>(tx: Queryable, q: sql.Sql) => tx.query<R>(q.text, q.values);

function invalid(path: string, code: string, message: string): ApiError {
  return new ApiError('SIGAP_ERR_VALIDATION', undefined, { details: [{ path, code, message }] });
}

/** Reads one incident as `principal` may see it; 404 when it does not exist *for them*. */
export async function getIncident(tx: Queryable, principal: Principal, id: string): Promise<Incident> {
  const { rows } = await run<IncidentRow>(tx, sql.selectIncident(principal.tenantId, id, principal));
  const row = rows[0];
  if (!row) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Incident ${id} not found.`);
  return serializeIncident(row, principal);
}

/**
 * Creates an incident with its `incident.created` event. Reports from call takers and
 * dispatchers are verified by the conversation itself; those from integrated apps start as
 * `received` and wait for a call taker to verify them.
 */
export async function createIncident(
  tx: Queryable,
  principal: Principal,
  body: CreateIncidentBody,
  resolved: ResolvedLocation,
  settings: TenantSettings,
): Promise<Omit<CreateIncidentResponse, 'recommendation' | 'geocoding'>> {
  const tenantId = principal.tenantId;
  const { rows: categories } = await tx.query<{ default_priority: Incident['priority']; active: boolean }>(
    'SELECT default_priority, active FROM categories WHERE tenant_id = $1 AND code = $2',
    [tenantId, body.category],
  );
  const category = categories[0];
  if (!category || !category.active) {
    throw invalid('/body/category', 'unknown_category', `is not an active category of this tenant`);
  }
  const point = resolved.point;
  if (!point && !resolved.address) {
    throw invalid(
      '/body/location',
      'required',
      'needs a point or an address, or a callId whose call carries a location (where is the emergency?)',
    );
  }
  if (body.callId) {
    // An app (integrator key) may attach only calls it logged itself, never another caller's.
    const { rowCount } = await tx.query(
      'SELECT 1 FROM calls WHERE tenant_id = $1 AND id = $2 AND ($3::uuid IS NULL OR created_by = $3)',
      [tenantId, body.callId, principal.role === 'integrator' ? principal.keyId : null],
    );
    if (rowCount === 0) throw invalid('/body/callId', 'not_found', 'is not a call of this tenant');
  }

  const priority = body.priority ?? category.default_priority;
  const status = principal.role === 'integrator' ? 'received' : 'verified';
  const located: DerivedAreas = point
    ? await deriveAreas(tx, tenantId, point, resolved.text, settings.desaPointRadiusM)
    : {
        desaCode: null,
        kecamatanCode: null,
        desaApproximate: false,
        outsideJurisdiction: false,
        jurisdictionCode: null,
      };
  const targets = await targetsFor(tx, tenantId, body.category, priority);
  const { rows: numbered } = await run<{ number: string }>(tx, sql.nextIncidentNumber(tenantId));

  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO incidents (tenant_id, number, status, category, priority, description, condition,
        location, location_accuracy_m, location_source, address_text, desa_code, kecamatan_code,
        outside_jurisdiction, jurisdiction_code, reporter_name, reporter_phone, external_refs, call_id,
        created_by, answer_due_at, location_status, location_confidence, desa_approximate)
     VALUES ($1, $2, $3, $4, $5, $6, $7,
        CASE WHEN $8::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($8, $9), 4326)::geography END,
        $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
        CASE WHEN $22::int IS NULL THEN NULL ELSE now() + make_interval(secs => $22) END, $23, $24, $25)
     RETURNING id`,
    [
      tenantId,
      numbered[0]!.number,
      status,
      body.category,
      priority,
      body.description,
      JSON.stringify(body.condition ?? {}),
      point?.lon ?? null,
      point?.lat ?? null,
      resolved.accuracyM,
      resolved.source,
      resolved.address,
      located.desaCode,
      located.kecamatanCode,
      located.outsideJurisdiction,
      located.jurisdictionCode,
      body.reporter?.name ?? null,
      body.reporter?.phone ?? null,
      JSON.stringify(body.externalRefs ?? {}),
      body.callId ?? null,
      principal.keyId,
      targets.resolveS,
      point ? 'located' : 'needs_review',
      resolved.confidence,
      located.desaApproximate,
    ],
  );
  const id = rows[0]!.id;
  if (body.callId) {
    // The call becomes this incident's call: classified `incident` unless the call taker already
    // said otherwise, and the change is in the trail like every other change to a call.
    const { rows: linked } = await tx.query<{ incident_id: string | null; outcome: string | null }>(
      `SELECT incident_id, outcome FROM calls WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, body.callId],
    );
    const previous = linked[0]!;
    const outcome = previous.outcome ?? 'incident';
    await tx.query(`UPDATE calls SET incident_id = $3, outcome = $4 WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      body.callId,
      id,
      outcome,
    ]);
    const changes: Record<string, { from: unknown; to: unknown }> = {
      incidentId: { from: previous.incident_id, to: id },
    };
    if (previous.outcome !== outcome) changes.outcome = { from: previous.outcome, to: outcome };
    await appendEvent(tx, tenantId, {
      type: 'call.updated',
      actor: actorOf(principal),
      callId: body.callId,
      payload: { changes },
    });
  }
  await recordIncidentEvent(tx, tenantId, id, {
    type: 'incident.created',
    actor: actorOf(principal),
    callId: body.callId ?? null,
    payload: {
      number: numbered[0]!.number,
      status,
      category: body.category,
      priority,
      description: body.description,
      condition: body.condition ?? {},
      location: {
        ...body.location,
        point: resolved.point,
        accuracyM: resolved.accuracyM,
        source: resolved.source,
        address: resolved.address,
        ...located,
        status: point ? 'located' : 'needs_review',
        confidence: resolved.confidence,
      },
      // What geocoding found (the candidates are kept here, for whoever places it later).
      ...(resolved.resolution ? { geocoding: resolved.resolution } : {}),
      reporter: body.reporter ?? {},
      externalRefs: body.externalRefs ?? {},
    },
  });

  const duplicates = point
    ? await findPossibleDuplicates(tx, tenantId, id, body.category, point, settings)
    : [];
  return {
    incident: await getIncident(tx, principal, id),
    possibleDuplicates: duplicates,
  };
}

/** Open incidents of the same category near `point`, recently reported (the tenant's radius and window). */
export async function findPossibleDuplicates(
  tx: Queryable,
  tenantId: string,
  incidentId: string,
  category: string,
  point: { lon: number; lat: number },
  settings: Pick<TenantSettings, 'duplicateRadiusM' | 'duplicateWindowMinutes'>,
): Promise<CreateIncidentResponse['possibleDuplicates']> {
  const { rows } = await run<{
    id: string;
    number: string;
    status: Incident['status'];
    created_at: Date;
    distance_m: number;
  }>(
    tx,
    sql.possibleDuplicates(
      tenantId,
      incidentId,
      category,
      point.lon,
      point.lat,
      settings.duplicateRadiusM,
      settings.duplicateWindowMinutes,
    ),
  );
  return rows.map((d) => ({
    id: d.id,
    number: d.number,
    status: d.status,
    distanceM: Math.round(d.distance_m),
    createdAt: d.created_at.toISOString(),
  }));
}

export async function tenantSettings(tx: Queryable, tenantId: string) {
  const { rows } = await tx.query<{ settings: unknown }>('SELECT settings FROM tenants WHERE id = $1', [
    tenantId,
  ]);
  return resolveSettings(rows[0]?.settings);
}

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listIncidents(
  tx: Queryable,
  principal: Principal,
  query: ListIncidentsQuery,
): Promise<{ items: Incident[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  let cursor: sql.IncidentListFilters['cursor'];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string];
    if (!ISO_MICROS.test(createdAt) || !UUID.test(id)) {
      throw invalid('/query/cursor', 'format', 'is not a cursor returned by this list');
    }
    cursor = { createdAt, id };
  }
  let bbox: sql.IncidentListFilters['bbox'];
  if (query.bbox) {
    const [minLon, minLat, maxLon, maxLat] = query.bbox.split(',').map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (
      !(
        minLon < maxLon &&
        minLat < maxLat &&
        minLon >= -180 &&
        maxLon <= 180 &&
        minLat >= -90 &&
        maxLat <= 90
      )
    ) {
      throw invalid('/query/bbox', 'range', 'must be minLon,minLat,maxLon,maxLat within WGS 84 bounds');
    }
    bbox = [minLon, minLat, maxLon, maxLat];
  }
  if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) {
    throw invalid('/query/to', 'range', 'must be after from');
  }
  const { rows } = await run<IncidentRow>(
    tx,
    sql.listIncidents(principal.tenantId, principal, {
      status: query.status,
      open: query.open,
      category: query.category,
      priority: query.priority,
      agency: query.agency,
      kecamatan: query.kecamatan,
      from: query.from,
      to: query.to,
      bbox,
      overdue: query.overdue,
      cursor,
      limit,
    }),
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => serializeIncident(row, principal)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.id]) : null,
  };
}

/** The incident's audit trail, oldest first, after `after` (a seq). */
export async function listIncidentEvents(
  tx: Queryable,
  principal: Principal,
  incidentId: string,
  query: { after?: number; limit?: number; cursor?: string },
): Promise<{ items: Event[]; nextCursor: string | null }> {
  await getIncident(tx, principal, incidentId); // 404 unless visible to this key
  const limit = query.limit ?? 100;
  const after = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : (query.after ?? 0);
  const { rows } = await run<EventRow>(tx, sql.listEvents(principal.tenantId, incidentId, after, limit));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => serializeEvent(row, principal)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null,
  };
}
