/**
 * Every query of the calls domain, parameterised. `$1` is always the tenant id: row-level
 * security already limits each transaction to its tenant, and the explicit filter lets the
 * planner use the tenant-leading indexes `calls_caller` (tenant, caller_e164, started_at DESC)
 * and `calls_started` (tenant, started_at).
 */
export interface Sql {
  text: string;
  values: unknown[];
}

export interface CallRow {
  id: string;
  channel: string;
  caller_number: string | null;
  caller_e164: string | null;
  caller_valid: boolean;
  started_at: Date;
  ended_at: Date | null;
  call_taker: string | null;
  outcome: string | null;
  incident_id: string | null;
  lapor_reference: string | null;
  block_overridden: boolean;
  notes: string | null;
  created_at: Date;
  /** started_at with microseconds, for the list cursor (a JavaScript Date keeps milliseconds). */
  cursor_at: string;
  /** Where the caller is, when the telephony side or AML said so (POST /calls/{id}/location). */
  location_lon: number | null;
  location_lat: number | null;
  location_accuracy_m: number | null;
  location_source: string | null;
  location_address: string | null;
  location_at: Date | null;
}

const CALL_COLUMNS = `c.id, c.channel, c.caller_number, c.caller_e164, c.caller_valid, c.started_at, c.ended_at,
  c.call_taker, c.outcome, c.incident_id, c.lapor_reference, c.block_overridden, c.notes, c.created_at,
  to_char(c.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
  ST_X(c.location::geometry) AS location_lon, ST_Y(c.location::geometry) AS location_lat,
  c.location_accuracy_m, c.location_source, c.location_address, c.location_at`;

export function tenantSettings(tenantId: string): Sql {
  return { text: 'SELECT settings FROM tenants WHERE id = $1', values: [tenantId] };
}

/**
 * Serialises calls from one number (or from no number) within a tenant until COMMIT, so the
 * per-number limit counts them one at a time. hashtextextended gives the 64-bit lock key; a
 * collision between two numbers only makes them wait for each other, never miscounts.
 */
export function lockCallerNumber(tenantId: string, e164: string | null): Sql {
  return {
    text: `SELECT pg_advisory_xact_lock(hashtextextended('sigap.calls:' || $1 || ':' || $2, 0))`,
    values: [tenantId, e164 ?? 'no-number'],
  };
}

/** Calls logged in the last minute from `e164` (or without a usable number), with the settings. */
export function recentCallsFromNumber(tenantId: string, e164: string | null): Sql {
  // `= $2` or `IS NULL`, not IS NOT DISTINCT FROM: both forms can use calls_caller.
  const caller = e164 === null ? 'caller_e164 IS NULL' : 'caller_e164 = $2';
  return {
    text: `SELECT (SELECT settings FROM tenants WHERE id = $1) AS settings, count(*)::int AS n, min(created_at) AS oldest
             FROM calls
            WHERE tenant_id = $1 AND ${caller} AND created_at > now() - interval '1 minute'`,
    values: e164 === null ? [tenantId] : [tenantId, e164],
  };
}

export interface NewCall {
  channel: string;
  callerNumber: string | null;
  callerE164: string | null;
  callerValid: boolean;
  startedAt: string;
  endedAt: string | null;
  callTaker: string | null;
  outcome: string | null;
  incidentId: string | null;
  laporReference: string | null;
  blockOverridden: boolean;
  notes: string | null;
  createdBy: string;
}

export function insertCall(tenantId: string, c: NewCall): Sql {
  return {
    text: `INSERT INTO calls (tenant_id, channel, caller_number, caller_e164, caller_valid, started_at, ended_at,
              call_taker, outcome, incident_id, lapor_reference, block_overridden, notes, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           RETURNING id`,
    values: [
      tenantId,
      c.channel,
      c.callerNumber,
      c.callerE164,
      c.callerValid,
      c.startedAt,
      c.endedAt,
      c.callTaker,
      c.outcome,
      c.incidentId,
      c.laporReference,
      c.blockOverridden,
      c.notes,
      c.createdBy,
    ],
  };
}

export function selectCall(tenantId: string, id: string): Sql {
  return {
    text: `SELECT ${CALL_COLUMNS} FROM calls c WHERE c.tenant_id = $1 AND c.id = $2`,
    values: [tenantId, id],
  };
}

/** Locks the call for a change: concurrent updates of one call apply one after the other. */
export function lockCall(tenantId: string, id: string): Sql {
  return {
    text: `SELECT ${CALL_COLUMNS} FROM calls c WHERE c.tenant_id = $1 AND c.id = $2 FOR UPDATE`,
    values: [tenantId, id],
  };
}

export interface CallChanges {
  outcome: string | null;
  endedAt: string | null;
  incidentId: string | null;
  laporReference: string | null;
  callTaker: string | null;
  notes: string | null;
}

/** Writes the call's classification fields (the service has merged the request into the stored row). */
export function updateCall(tenantId: string, id: string, c: CallChanges): Sql {
  return {
    text: `UPDATE calls SET outcome = $3, ended_at = $4, incident_id = $5, lapor_reference = $6,
                  call_taker = $7, notes = $8
            WHERE tenant_id = $1 AND id = $2`,
    values: [tenantId, id, c.outcome, c.endedAt, c.incidentId, c.laporReference, c.callTaker, c.notes],
  };
}

export function markBlockOverridden(tenantId: string, id: string): Sql {
  return {
    text: 'UPDATE calls SET block_overridden = true WHERE tenant_id = $1 AND id = $2',
    values: [tenantId, id],
  };
}

export function incidentExists(tenantId: string, id: string): Sql {
  return { text: 'SELECT 1 FROM incidents WHERE tenant_id = $1 AND id = $2', values: [tenantId, id] };
}

export interface BlockRow {
  blocked_until: Date;
  reason: string;
}

/** The number's soft block if one is in force now (expired rows are history, not blocks). */
export function activeBlock(tenantId: string, e164: string): Sql {
  return {
    text: `SELECT blocked_until, reason FROM caller_blocks
            WHERE tenant_id = $1 AND caller_e164 = $2 AND blocked_until > now()`,
    values: [tenantId, e164],
  };
}

/**
 * Places a soft block of `seconds` from now, or extends the one in force (never shortens it).
 * An expired row is replaced as a new block.
 */
export function upsertBlock(tenantId: string, e164: string, seconds: number, reason: string): Sql {
  return {
    text: `INSERT INTO caller_blocks (tenant_id, caller_e164, blocked_until, reason)
           VALUES ($1, $2, now() + make_interval(secs => $3), $4)
           ON CONFLICT (tenant_id, caller_e164) DO UPDATE
              SET blocked_until = greatest(caller_blocks.blocked_until, EXCLUDED.blocked_until),
                  reason = EXCLUDED.reason,
                  created_at = CASE WHEN caller_blocks.blocked_until > now() THEN caller_blocks.created_at
                                    ELSE now() END
           RETURNING blocked_until, reason`,
    values: [tenantId, e164, seconds, reason],
  };
}

/** Lifts the number's block (in force or expired); returns what was there. */
export function deleteBlock(tenantId: string, e164: string): Sql {
  return {
    text: `DELETE FROM caller_blocks WHERE tenant_id = $1 AND caller_e164 = $2
           RETURNING blocked_until, reason, blocked_until > now() AS in_force`,
    values: [tenantId, e164],
  };
}

export interface CallerStatsRow {
  other_calls: number;
  pranks: number;
  pranks_in_window: number;
  last_call_at: Date | null;
}

/**
 * What the tenant knows of a number: calls other than `excludeId` (the one being logged),
 * pranks (all, and within the last `windowSeconds`, the current call included). One pass over
 * the number's rows through `calls_caller`.
 */
export function callerStats(
  tenantId: string,
  e164: string,
  excludeId: string | null,
  windowSeconds: number,
): Sql {
  return {
    text: `SELECT count(*) FILTER (WHERE id IS DISTINCT FROM $3::uuid)::int AS other_calls,
                  count(*) FILTER (WHERE outcome = 'prank')::int AS pranks,
                  count(*) FILTER (WHERE outcome = 'prank'
                                     AND started_at > now() - make_interval(secs => $4))::int AS pranks_in_window,
                  max(started_at) FILTER (WHERE id IS DISTINCT FROM $3::uuid) AS last_call_at
             FROM calls WHERE tenant_id = $1 AND caller_e164 = $2`,
    values: [tenantId, e164, excludeId, windowSeconds],
  };
}

export interface RecentCallRow {
  id: string;
  started_at: Date;
  channel: string;
  outcome: string | null;
  incident_id: string | null;
}

/** The number's latest calls other than `excludeId`, newest first (an index range scan). */
export function recentCalls(tenantId: string, e164: string, excludeId: string | null, limit: number): Sql {
  return {
    text: `SELECT id, started_at, channel, outcome, incident_id FROM calls
            WHERE tenant_id = $1 AND caller_e164 = $2 AND id IS DISTINCT FROM $3::uuid
            ORDER BY started_at DESC, id DESC LIMIT $4`,
    values: [tenantId, e164, excludeId, limit],
  };
}

export interface CallListFilters {
  from?: string;
  to?: string;
  outcome?: string[];
  pending?: boolean;
  channel?: string[];
  callerE164?: string;
  cursor?: { startedAt: string; id: string };
  limit: number;
}

/**
 * Newest first, keyset-paginated on (started_at, id) so pages stay stable while calls arrive.
 * PostgreSQL turns the row comparison into a `started_at <=` index bound, so a page starts its
 * range scan of `calls_started` (or `calls_caller` with a caller) at the cursor.
 */
export function listCalls(tenantId: string, f: CallListFilters): Sql {
  const values: unknown[] = [tenantId];
  const where: string[] = ['c.tenant_id = $1'];
  const add = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (f.callerE164) where.push(`c.caller_e164 = ${add(f.callerE164)}`);
  if (f.from) where.push(`c.started_at >= ${add(f.from)}::timestamptz`);
  if (f.to) where.push(`c.started_at < ${add(f.to)}::timestamptz`);
  if (f.outcome?.length) where.push(`c.outcome = ANY(${add(f.outcome)}::text[])`);
  if (f.pending !== undefined) where.push(f.pending ? 'c.outcome IS NULL' : 'c.outcome IS NOT NULL');
  if (f.channel?.length) where.push(`c.channel = ANY(${add(f.channel)}::text[])`);
  if (f.cursor) {
    where.push(`(c.started_at, c.id) < (${add(f.cursor.startedAt)}::timestamptz, ${add(f.cursor.id)}::uuid)`);
  }
  const limit = add(f.limit + 1);
  return {
    text: `SELECT ${CALL_COLUMNS} FROM calls c WHERE ${where.join(' AND ')}
            ORDER BY c.started_at DESC, c.id DESC LIMIT ${limit}`,
    values,
  };
}
