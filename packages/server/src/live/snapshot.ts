import type { Incident } from '@sigap/contract';
import type { Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { type IncidentRow, serializeIncident } from '../incidents/serialize.js';
import { listIncidents, selectIncident } from '../incidents/sql.js';

/**
 * What the live stream sends about an incident: the full view for roles that see phone
 * numbers, the masked view for the others, and who created it (integrators see only their own).
 */
export interface IncidentView {
  full: Incident;
  masked: Incident;
  createdBy: string | null;
}

/** Reads as the platform would (a dispatcher's view of the tenant); the hub applies each client's role. */
function platformPrincipal(tenantId: string, role: 'dispatcher' | 'viewer'): Principal {
  return { keyId: 'live', keyName: 'live', tenantId, role, agencyId: null };
}

function view(row: IncidentRow, tenantId: string): IncidentView {
  return {
    full: serializeIncident(row, platformPrincipal(tenantId, 'dispatcher')),
    masked: serializeIncident(row, platformPrincipal(tenantId, 'viewer')),
    createdBy: row.created_by,
  };
}

export async function loadIncidentView(
  tx: Queryable,
  tenantId: string,
  id: string,
): Promise<IncidentView | null> {
  const q = selectIncident(tenantId, id, platformPrincipal(tenantId, 'dispatcher'));
  const { rows } = await tx.query<IncidentRow>(q.text, q.values);
  return rows[0] ? view(rows[0], tenantId) : null;
}

/** Open incidents for a snapshot, newest first; the hub filters them per client. */
export async function loadOpenIncidentViews(
  tx: Queryable,
  tenantId: string,
  limit: number,
): Promise<IncidentView[]> {
  const q = listIncidents(tenantId, platformPrincipal(tenantId, 'dispatcher'), { open: true, limit });
  const { rows } = await tx.query<IncidentRow>(q.text, q.values);
  return rows.slice(0, limit).map((row) => view(row, tenantId));
}
