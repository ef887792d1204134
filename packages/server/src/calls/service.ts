import type {
  Call,
  CallerBlock,
  CallerHistory,
  CallerHistoryResponse,
  CallOverrideBody,
  CallOverrideResponse,
  CallPage,
  ListCallsQuery,
  LogCallBody,
  LogCallResponse,
  Role,
  UnblockCallerBody,
  UnblockCallerResponse,
  UpdateCallBody,
} from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, maskPhone, type Principal, seesFullPhoneNumbers } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../plugins/cursor.js';
import { resolveSettings } from '../tenants/defaults.js';
import { normalisePhone } from './phone.js';
import * as sql from './sql.js';

const run = <R>(tx: Queryable, q: sql.Sql) => tx.query<R>(q.text, q.values);

/** How far back a call may be logged (a radio log written up after a long night, not an import). */
const MAX_BACKDATE_MS = 30 * 24 * 60 * 60 * 1000;
/** Clocks of call-taking desks drift a little: a start this far in the future is still accepted. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const RECENT_CALLS = 5;

type Outcome = NonNullable<Call['outcome']>;
/** Outcomes that concern an incident: the only ones a call may be linked to one with. */
const INCIDENT_OUTCOMES: readonly (Outcome | null)[] = ['incident', 'duplicate', null];

function invalid(path: string, code: string, message: string): ApiError {
  return new ApiError('SIGAP_ERR_VALIDATION', undefined, { details: [{ path, code, message }] });
}

export function serializeCall(row: sql.CallRow, role: Role): Call {
  const full = seesFullPhoneNumbers(role);
  return {
    id: row.id,
    channel: row.channel as Call['channel'],
    callerNumber: full ? row.caller_number : maskPhone(row.caller_number),
    callerE164: full ? row.caller_e164 : maskPhone(row.caller_e164),
    callerValid: row.caller_valid,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    callTaker: row.call_taker,
    outcome: row.outcome as Call['outcome'],
    incidentId: row.incident_id,
    laporReference: row.lapor_reference,
    blockOverridden: row.block_overridden,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
    location:
      row.location_lon === null || row.location_lat === null || !row.location_at
        ? null
        : {
            point: { lon: row.location_lon, lat: row.location_lat },
            accuracyM: row.location_accuracy_m,
            source: row.location_source as NonNullable<Call['location']>['source'],
            address: row.location_address,
            at: row.location_at.toISOString(),
          },
  };
}

const serializeBlock = (row: sql.BlockRow): CallerBlock => ({
  until: row.blocked_until.toISOString(),
  reason: row.reason,
});

interface PrankPolicy {
  threshold: number;
  windowDays: number;
  blockHours: number;
}

/** The tenant's prank settings; a nonsensical stored value falls back to the default. */
async function prankPolicy(tx: Queryable, tenantId: string): Promise<PrankPolicy> {
  const { rows } = await run<{ settings: unknown }>(tx, sql.tenantSettings(tenantId));
  const settings = resolveSettings(rows[0]?.settings);
  const defaults = resolveSettings({});
  const positive = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
  return {
    threshold: positive(settings.prankThreshold, defaults.prankThreshold),
    windowDays: positive(settings.prankWindowDays, defaults.prankWindowDays),
    blockHours: positive(settings.softBlockHours, defaults.softBlockHours),
  };
}

async function activeBlock(tx: Queryable, tenantId: string, e164: string | null) {
  if (!e164) return null;
  const { rows } = await run<sql.BlockRow>(tx, sql.activeBlock(tenantId, e164));
  return rows[0] ?? null;
}

/** The number's history as the call taker sees it, with or without the call being logged. */
async function callerHistory(
  tx: Queryable,
  tenantId: string,
  e164: string,
  excludeId: string | null,
  policy: PrankPolicy,
): Promise<{ history: CallerHistory; repeatPrankster: boolean }> {
  const { rows } = await run<sql.CallerStatsRow>(
    tx,
    sql.callerStats(tenantId, e164, excludeId, policy.windowDays * 86_400),
  );
  const stats = rows[0]!;
  const { rows: recent } = await run<sql.RecentCallRow>(
    tx,
    sql.recentCalls(tenantId, e164, excludeId, RECENT_CALLS),
  );
  return {
    history: {
      callerE164: e164,
      previousCalls: stats.other_calls,
      pranks: stats.pranks,
      pranksInWindow: stats.pranks_in_window,
      prankWindowDays: policy.windowDays,
      prankThreshold: policy.threshold,
      lastCallAt: stats.last_call_at?.toISOString() ?? null,
      recentCalls: recent.map((r) => ({
        id: r.id,
        startedAt: r.started_at.toISOString(),
        channel: r.channel as Call['channel'],
        outcome: r.outcome as Call['outcome'],
        incidentId: r.incident_id,
      })),
    },
    repeatPrankster: stats.pranks_in_window >= policy.threshold,
  };
}

/**
 * After a call became a prank: once the number's pranks within the window reach the threshold,
 * place (or extend) its soft block, with a `caller.blocked` event naming the call that did it.
 */
async function blockIfRepeatPrankster(
  tx: Queryable,
  principal: Principal,
  callId: string,
  e164: string,
  policy: PrankPolicy,
): Promise<CallerBlock | null> {
  const tenantId = principal.tenantId;
  const { rows } = await run<sql.CallerStatsRow>(
    tx,
    sql.callerStats(tenantId, e164, callId, policy.windowDays * 86_400),
  );
  const pranks = rows[0]!.pranks_in_window;
  if (pranks < policy.threshold) return null;
  const before = await activeBlock(tx, tenantId, e164);
  const reason = `${pranks} pranks in ${policy.windowDays} days`;
  const { rows: placed } = await run<sql.BlockRow>(
    tx,
    sql.upsertBlock(tenantId, e164, policy.blockHours * 3600, reason),
  );
  const block = serializeBlock(placed[0]!);
  await appendEvent(tx, tenantId, {
    type: 'caller.blocked',
    actor: actorOf(principal),
    callId,
    payload: {
      callerE164: e164,
      until: block.until,
      reason,
      pranksInWindow: pranks,
      extended: before !== null,
    },
  });
  return block;
}

function parseTime(value: string, path: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw invalid(path, 'format', 'is not a valid time');
  return time;
}

/** Times come in as RFC 3339 strings and are stored to the millisecond the API shows. */
function checkTimes(startedAt: Date, endedAt: Date | null, now: Date, paths: { start: string; end: string }) {
  if (startedAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw invalid(paths.start, 'range', 'is in the future');
  if (startedAt.getTime() < now.getTime() - MAX_BACKDATE_MS)
    throw invalid(paths.start, 'range', 'is more than 30 days ago');
  if (endedAt) {
    if (endedAt.getTime() < startedAt.getTime())
      throw invalid(paths.end, 'range', 'must not be before the start of the call');
    if (endedAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw invalid(paths.end, 'range', 'is in the future');
  }
}

/** The classification a call ends up with must hold together, whichever request set which part. */
function checkClassification(
  state: { outcome: Outcome | null; incidentId: string | null; laporReference: string | null },
  sent: { incidentId: boolean; laporReference: boolean },
) {
  if (state.outcome === 'duplicate' && !state.incidentId)
    throw invalid('/body/incidentId', 'required', 'is required for a duplicate: the incident it duplicates');
  if (sent.incidentId && state.incidentId && !INCIDENT_OUTCOMES.includes(state.outcome))
    throw invalid(
      '/body/incidentId',
      'not_allowed',
      `cannot be linked to a call classified ${state.outcome}`,
    );
  if (state.outcome === 'non_emergency' && !state.laporReference)
    throw invalid(
      '/body/laporReference',
      'required',
      'is required for non_emergency: the reference LAPOR! gave the forwarded complaint',
    );
  if (sent.laporReference && state.laporReference && state.outcome !== 'non_emergency')
    throw invalid('/body/laporReference', 'not_allowed', 'belongs only to a non_emergency call');
}

async function checkIncident(tx: Queryable, tenantId: string, incidentId: string | null, sent: boolean) {
  if (!incidentId || !sent) return;
  const { rowCount } = await run(tx, sql.incidentExists(tenantId, incidentId));
  if (rowCount === 0) throw invalid('/body/incidentId', 'not_found', 'is not an incident of this tenant');
}

async function loadCall(tx: Queryable, tenantId: string, id: string, lock = false): Promise<sql.CallRow> {
  const { rows } = await run<sql.CallRow>(tx, (lock ? sql.lockCall : sql.selectCall)(tenantId, id));
  if (!rows[0]) throw new ApiError('SIGAP_ERR_NOT_FOUND', `Call ${id} not found.`);
  return rows[0];
}

/** Fields only a call taker or dispatcher sets: an app logs a contact, people classify it. */
const CLASSIFICATION_FIELDS = [
  'outcome',
  'incidentId',
  'laporReference',
  'callTaker',
  'blockOverride',
] as const;

/**
 * Logs a contact: the row, a `call.logged` event and, in the same transaction, what follows
 * from it (a recorded block override, a soft block when this prank reached the threshold).
 * A blocked number's call is logged like any other: blocks inform, they never refuse.
 */
/**
 * Refuses a number that has logged `callerRateLimitPerMinute` calls within the last minute:
 * 429 with the seconds until the oldest of them leaves the window. Counted from the calls
 * themselves (the calls_caller index), so every server instance applies the same limit.
 * Calls without a usable number share one budget, `anonymousCallRateLimitPerMinute`.
 *
 * The transaction first takes an advisory lock on (tenant, number), held to COMMIT: 60
 * concurrent calls from one number are counted one after another, each seeing the ones
 * committed before it, so exactly the limit gets through (a bare count would let every
 * concurrent request see the same "19" and all pass).
 */
async function checkCallerRate(tx: Queryable, tenantId: string, e164: string | null): Promise<void> {
  await run(tx, sql.lockCallerNumber(tenantId, e164));
  const { rows } = await run<{ settings: unknown; n: number; oldest: Date | null }>(
    tx,
    sql.recentCallsFromNumber(tenantId, e164),
  );
  const { n, oldest, settings } = rows[0]!;
  const resolved = resolveSettings(settings);
  const limit = e164 ? resolved.callerRateLimitPerMinute : resolved.anonymousCallRateLimitPerMinute;
  if (n < limit) return;
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil(((oldest?.getTime() ?? Date.now()) + 60_000 - Date.now()) / 1000),
  );
  throw new ApiError(
    'SIGAP_ERR_RATE_LIMITED',
    e164
      ? `This number logged ${n} calls in the last minute (limit ${limit}).`
      : `${n} calls without a caller number were logged in the last minute (limit ${limit}).`,
    { retryAfterSeconds },
  );
}

export async function logCall(
  tx: Queryable,
  principal: Principal,
  body: LogCallBody,
): Promise<LogCallResponse> {
  const tenantId = principal.tenantId;
  const integrator = principal.role === 'integrator';
  if (integrator) {
    if (body.channel !== 'app')
      throw new ApiError(
        'SIGAP_ERR_FORBIDDEN',
        'An integrator key logs only its own app contacts (channel app).',
      );
    const field = CLASSIFICATION_FIELDS.find((f) => body[f] !== undefined);
    if (field)
      throw new ApiError(
        'SIGAP_ERR_FORBIDDEN',
        `An integrator key may not set ${field}: a call taker classifies the contact.`,
      );
  }

  const now = new Date();
  const startedAt = body.startedAt ? parseTime(body.startedAt, '/body/startedAt') : now;
  const endedAt = body.endedAt ? parseTime(body.endedAt, '/body/endedAt') : null;
  checkTimes(startedAt, endedAt, now, { start: '/body/startedAt', end: '/body/endedAt' });

  const outcome = body.outcome ?? null;
  const incidentId = body.incidentId ?? null;
  const laporReference = body.laporReference ?? null;
  checkClassification(
    { outcome, incidentId, laporReference },
    { incidentId: body.incidentId !== undefined, laporReference: body.laporReference !== undefined },
  );
  await checkIncident(tx, tenantId, incidentId, true);

  const number = body.callerNumber ? normalisePhone(body.callerNumber) : null;
  const e164 = number?.e164 ?? null;
  await checkCallerRate(tx, tenantId, e164);
  const blocked = await activeBlock(tx, tenantId, e164);
  const overridden = blocked !== null && body.blockOverride === true;

  const { rows } = await run<{ id: string }>(
    tx,
    sql.insertCall(tenantId, {
      channel: body.channel,
      // Kept exactly as given: the normalised form is beside it, and the original is evidence.
      callerNumber: body.callerNumber ?? null,
      callerE164: e164,
      callerValid: number?.valid ?? false,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt?.toISOString() ?? null,
      callTaker: body.callTaker ?? (integrator ? null : principal.keyName),
      outcome,
      incidentId,
      laporReference,
      blockOverridden: overridden,
      notes: body.notes ?? null,
      createdBy: principal.keyId,
    }),
  );
  const id = rows[0]!.id;
  const row = await loadCall(tx, tenantId, id);
  const actor = actorOf(principal);
  await appendEvent(tx, tenantId, {
    type: 'call.logged',
    actor,
    callId: id,
    payload: {
      ...eventFields(row),
      blocked: blocked ? serializeBlock(blocked) : null,
    },
  });
  if (overridden) {
    await appendEvent(tx, tenantId, {
      type: 'call.block_overridden',
      actor,
      callId: id,
      payload: { callerE164: e164, via: 'intake', ...serializeBlock(blocked) },
    });
  }

  const policy = await prankPolicy(tx, tenantId);
  const blockPlaced =
    outcome === 'prank' && e164 ? await blockIfRepeatPrankster(tx, principal, id, e164, policy) : null;
  // An app is told nothing about the number's past: that is the 112 centre's knowledge.
  const known = e164 && !integrator ? await callerHistory(tx, tenantId, e164, id, policy) : null;
  return {
    call: serializeCall(row, principal.role),
    history: known?.history ?? null,
    repeatPrankster: known?.repeatPrankster ?? null,
    blocked: blocked && !integrator ? serializeBlock(blocked) : null,
    blockPlaced: blockPlaced && !integrator ? blockPlaced : null,
  };
}

/** The call's fields as events record them (the trail must rebuild what the row says). */
function eventFields(row: sql.CallRow): Record<string, unknown> {
  return {
    channel: row.channel,
    callerNumber: row.caller_number,
    callerE164: row.caller_e164,
    callerValid: row.caller_valid,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    callTaker: row.call_taker,
    outcome: row.outcome,
    incidentId: row.incident_id,
    laporReference: row.lapor_reference,
    blockOverridden: row.block_overridden,
    notes: row.notes,
  };
}

/**
 * Classifies a call and/or closes it (the usual end of a conversation), or corrects it later.
 * Only what changes is written, with one `call.updated` event listing each change as
 * `{ from, to }`; a request that changes nothing writes nothing. Becoming a prank may place a
 * soft block on the number.
 */
export async function updateCall(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: UpdateCallBody,
): Promise<{ call: Call; blockPlaced: CallerBlock | null }> {
  const tenantId = principal.tenantId;
  const row = await loadCall(tx, tenantId, id, true);
  const endedAt =
    body.endedAt === undefined
      ? row.ended_at
      : body.endedAt === null
        ? null
        : parseTime(body.endedAt, '/body/endedAt');
  if (body.endedAt) {
    const now = new Date();
    if (endedAt!.getTime() < row.started_at.getTime())
      throw invalid('/body/endedAt', 'range', 'must not be before the start of the call');
    if (endedAt!.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw invalid('/body/endedAt', 'range', 'is in the future');
  }
  const next: sql.CallChanges = {
    outcome: body.outcome ?? row.outcome,
    endedAt: endedAt?.toISOString() ?? null,
    incidentId: body.incidentId === undefined ? row.incident_id : body.incidentId,
    laporReference: body.laporReference === undefined ? row.lapor_reference : body.laporReference,
    callTaker: body.callTaker ?? row.call_taker,
    notes: body.notes === undefined ? row.notes : body.notes,
  };
  checkClassification(
    {
      outcome: next.outcome as Outcome | null,
      incidentId: next.incidentId,
      laporReference: next.laporReference,
    },
    { incidentId: body.incidentId !== undefined, laporReference: body.laporReference !== undefined },
  );
  await checkIncident(tx, tenantId, next.incidentId, body.incidentId !== undefined);

  const previous: sql.CallChanges = {
    outcome: row.outcome,
    endedAt: row.ended_at?.toISOString() ?? null,
    incidentId: row.incident_id,
    laporReference: row.lapor_reference,
    callTaker: row.call_taker,
    notes: row.notes,
  };
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(next) as (keyof sql.CallChanges)[]) {
    if (next[key] !== previous[key]) changes[key] = { from: previous[key], to: next[key] };
  }
  if (Object.keys(changes).length === 0)
    return { call: serializeCall(row, principal.role), blockPlaced: null };

  await run(tx, sql.updateCall(tenantId, id, next));
  await appendEvent(tx, tenantId, {
    type: 'call.updated',
    actor: actorOf(principal),
    callId: id,
    payload: { changes },
  });
  let blockPlaced: CallerBlock | null = null;
  if (changes.outcome && next.outcome === 'prank' && row.caller_e164) {
    const policy = await prankPolicy(tx, tenantId);
    blockPlaced = await blockIfRepeatPrankster(tx, principal, id, row.caller_e164, policy);
  }
  const updated = await loadCall(tx, tenantId, id);
  return { call: serializeCall(updated, principal.role), blockPlaced };
}

/**
 * The call taker answers a soft-blocked number's call as possibly real: recorded on the call
 * with a `call.block_overridden` event. Doing it twice changes nothing; a call whose number
 * has no block in force has nothing to override (409).
 */
export async function overrideBlock(
  tx: Queryable,
  principal: Principal,
  id: string,
  body: CallOverrideBody,
): Promise<CallOverrideResponse> {
  const tenantId = principal.tenantId;
  const row = await loadCall(tx, tenantId, id, true);
  const block = await activeBlock(tx, tenantId, row.caller_e164);
  if (row.block_overridden) {
    return { call: serializeCall(row, principal.role), blocked: block ? serializeBlock(block) : null };
  }
  if (!block) {
    throw new ApiError('SIGAP_ERR_CONFLICT', "No soft block is in force for this call's number.");
  }
  await run(tx, sql.markBlockOverridden(tenantId, id));
  await appendEvent(tx, tenantId, {
    type: 'call.block_overridden',
    actor: actorOf(principal),
    callId: id,
    payload: {
      callerE164: row.caller_e164,
      via: 'action',
      ...serializeBlock(block),
      ...(body.note ? { note: body.note } : {}),
    },
  });
  return {
    call: serializeCall(await loadCall(tx, tenantId, id), principal.role),
    blocked: serializeBlock(block),
  };
}

/** A number from a path or query: any usual form; one that is no valid number is a 400 naming it. */
function e164Of(input: string, path: string): string {
  const { e164 } = normalisePhone(input);
  if (!e164) throw invalid(path, 'phone', 'is not a valid phone number');
  return e164;
}

/** Lifts a number's soft block (dispatchers). Lifting a block that is not there changes nothing. */
export async function unblockCaller(
  tx: Queryable,
  principal: Principal,
  number: string,
  body: UnblockCallerBody,
): Promise<UnblockCallerResponse> {
  const tenantId = principal.tenantId;
  const e164 = e164Of(number, '/params/number');
  const { rows } = await run<sql.BlockRow & { in_force: boolean }>(tx, sql.deleteBlock(tenantId, e164));
  const lifted = rows[0]?.in_force ? rows[0] : null;
  if (lifted) {
    await appendEvent(tx, tenantId, {
      type: 'caller.unblocked',
      actor: actorOf(principal),
      payload: {
        callerE164: e164,
        previousUntil: lifted.blocked_until.toISOString(),
        reason: lifted.reason,
        ...(body.note ? { note: body.note } : {}),
      },
    });
  }
  return { callerE164: e164, unblocked: lifted !== null, previous: lifted ? serializeBlock(lifted) : null };
}

export async function getCallerHistory(
  tx: Queryable,
  principal: Principal,
  number: string,
): Promise<CallerHistoryResponse> {
  const tenantId = principal.tenantId;
  const e164 = e164Of(number, '/params/number');
  const policy = await prankPolicy(tx, tenantId);
  const { history, repeatPrankster } = await callerHistory(tx, tenantId, e164, null, policy);
  const block = await activeBlock(tx, tenantId, e164);
  return { history, repeatPrankster, blocked: block ? serializeBlock(block) : null };
}

export async function getCall(tx: Queryable, principal: Principal, id: string): Promise<Call> {
  return serializeCall(await loadCall(tx, principal.tenantId, id), principal.role);
}

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** PostgreSQL has no year 0 and RFC 3339 allows it: list bounds outside this range are refused. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

function listBound(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  const time = parseTime(value, path).getTime();
  if (time < EARLIEST || time > LATEST) throw invalid(path, 'range', 'must be between 1970 and 9999');
  return new Date(time).toISOString();
}

export async function listCalls(
  tx: Queryable,
  principal: Principal,
  query: ListCallsQuery,
): Promise<CallPage> {
  const limit = query.limit ?? 50;
  let cursor: sql.CallListFilters['cursor'];
  if (query.cursor) {
    const [startedAt, id] = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string];
    if (!ISO_MICROS.test(startedAt) || !UUID.test(id) || Number.isNaN(Date.parse(startedAt)))
      throw invalid('/query/cursor', 'format', 'is not a cursor returned by this list');
    cursor = { startedAt, id };
  }
  const from = listBound(query.from, '/query/from');
  const to = listBound(query.to, '/query/to');
  if (from && to && Date.parse(from) >= Date.parse(to))
    throw invalid('/query/to', 'range', 'must be after from');
  let callerE164: string | undefined;
  if (query.caller !== undefined) {
    // Looking a person up by number is a call-taking act: masked roles cannot turn a number
    // they typed into that person's contact history.
    if (!seesFullPhoneNumbers(principal.role))
      throw new ApiError('SIGAP_ERR_FORBIDDEN', `The role ${principal.role} may not filter calls by caller.`);
    callerE164 = e164Of(query.caller, '/query/caller');
  }
  const { rows } = await run<sql.CallRow>(
    tx,
    sql.listCalls(principal.tenantId, {
      from,
      to,
      outcome: query.outcome,
      pending: query.pending,
      channel: query.channel,
      callerE164,
      cursor,
      limit,
    }),
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => serializeCall(row, principal.role)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.cursor_at, last.id]) : null,
  };
}
