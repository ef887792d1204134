/**
 * Every figure of the reports is computed here, in PostgreSQL, over the rows and the event
 * trail. Each function returns a parameterised statement; the service runs them inside the
 * key's tenant transaction, so row-level security applies on top of the explicit tenant filter.
 *
 * Shared parameters (see `Scope`): $1 tenant, $2/$3 the range as instants (local midnights,
 * computed once by `reportBounds`), $4 the agency an agency key is limited to (null for everyone
 * else). Extra parameters follow from $5: the tenant's IANA time zone first where periods are cut.
 *
 * Local days: `date_trunc(unit, ts AT TIME ZONE tz)` turns an instant into the tenant's wall
 * clock before truncating, so a call at 23:59 WIB (16:59Z) is on its own day, not the next one.
 * Periods are returned as text (`YYYY-MM-DD`): a `timestamp` value would be read as local time
 * by `pg` and as UTC by PGlite.
 */
export interface Sql {
  text: string;
  values: unknown[];
}

export interface Scope {
  tenantId: string;
  /** The range as ISO instants: local midnight of `from` and of `to`. */
  lo: string;
  hi: string;
  timeZone: string;
  agencyId: string | null;
}

export const scoped = (s: Scope, ...extra: unknown[]) => [s.tenantId, s.lo, s.hi, s.agencyId, ...extra];

/**
 * The incidents a report counts: created in the range, not merged into another (a duplicate is
 * counted once, as the incident it joined) and not rejected (a prank found out later is a call
 * outcome, not an incident). Uses incidents_list (tenant_id, created_at). COUNTED adds what an
 * agency key may see: incidents with an assignment of theirs, as in GET /incidents.
 */
const IN_RANGE = `i.tenant_id = $1 AND i.created_at >= $2::timestamptz AND i.created_at < $3::timestamptz
  AND i.status NOT IN ('merged', 'rejected')`;
export const COUNTED = `${IN_RANGE}
  AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM assignments va WHERE va.tenant_id = i.tenant_id
        AND va.incident_id = i.id AND va.agency_id = $4::uuid))`;

const period = (column: string, tz = '$5', unit = '$6') =>
  `to_char(date_trunc(${unit}, ${column} AT TIME ZONE ${tz}), 'YYYY-MM-DD')`;

/** Rounded in SQL so both backends return the same digits: seconds to 0.1, shares to 4 places. */
const seconds = (p: number, column: string) =>
  `round((percentile_cont(${p}) WITHIN GROUP (ORDER BY ${column}))::numeric, 1)`;
const share = (part: string, whole: string) => `round((${part})::numeric / nullif(${whole}, 0), 4)`;

/** The tenant's zone and the range as instants: local midnight of `from` and `to`. */
export function reportBounds(tenantId: string, from: string, to: string): Sql {
  return {
    text: `SELECT time_zone, ($2::date)::timestamp AT TIME ZONE time_zone AS lo,
                  ($3::date)::timestamp AT TIME ZONE time_zone AS hi, now() AS now
             FROM tenants WHERE id = $1`,
    values: [tenantId, from, to],
  };
}

/** Every period of the range, empty or not, labelled by its first local day (weeks start Monday). */
export function reportPeriods(from: string, to: string, unit: string): Sql {
  return {
    text: `SELECT to_char(p, 'YYYY-MM-DD') AS period
             FROM generate_series(date_trunc($3, $1::date::timestamp), $2::date::timestamp - interval '1 day',
                                  ('1 ' || $3)::interval) AS p ORDER BY p`,
    values: [from, to, unit],
  };
}

/**
 * Calls started in the range, rolled up by period × channel × outcome and every coarser level
 * (GROUPING SETS; `level` is the GROUPING bitmask: period 4, channel 2, outcome 1). Nuisance =
 * prank + silent + misdial. `outcome_share` is a row's share of its parent (the outcome's share
 * of all calls at level 6). Uses calls_started (tenant_id, started_at).
 */
export function callRollup(s: Scope, unit: string): Sql {
  // Counted per local period, channel and outcome first (one pass over the calls), then rolled up:
  // rolling up the raw rows would sort a year of calls once per grouping set.
  const nuisance = `sum(n) FILTER (WHERE outcome IN ('prank', 'silent', 'misdial'))`;
  const prank = `sum(n) FILTER (WHERE outcome = 'prank')`;
  return {
    text: `WITH c AS (
             SELECT date_trunc($5, c.started_at AT TIME ZONE $4) AS p, c.channel, c.outcome, count(*) AS n
               FROM calls c
              WHERE c.tenant_id = $1 AND c.started_at >= $2::timestamptz AND c.started_at < $3::timestamptz
              GROUP BY 1, 2, 3
           )
           SELECT GROUPING(p, channel, outcome) AS level, to_char(p, 'YYYY-MM-DD') AS period, channel, outcome,
                  coalesce(sum(n), 0) AS total, coalesce(${nuisance}, 0) AS nuisance, coalesce(${prank}, 0) AS prank,
                  ${share(`coalesce(${nuisance}, 0)`, 'sum(n)')} AS nuisance_share,
                  ${share(`coalesce(${prank}, 0)`, 'sum(n)')} AS prank_share,
                  ${share('sum(n)', 'sum(sum(n)) OVER (PARTITION BY GROUPING(p, channel, outcome), p, channel)')} AS outcome_share
             FROM c
            GROUP BY GROUPING SETS ((p, channel, outcome), (p, channel), (p, outcome), (p), (channel), (outcome), ())
            ORDER BY level, p, channel, outcome`,
    values: [s.tenantId, s.lo, s.hi, s.timeZone, unit],
  };
}

/**
 * Counted incidents by period, category, priority and kecamatan (with labels), and in total;
 * `level` is the GROUPING bitmask (period 8, category 4, priority 2, kecamatan 1). `reopened`
 * counts incidents with an `incident.reopened` event (events_report index).
 */
export function incidentRollup(s: Scope, unit: string): Sql {
  return {
    text: `WITH i AS (
             SELECT ${period('i.created_at')} AS period, i.category, i.priority, i.kecamatan_code,
                    EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = i.tenant_id AND e.incident_id = i.id
                              AND e.type = 'incident.reopened') AS reopened
               FROM incidents i WHERE ${COUNTED}
           ), g AS (
             SELECT GROUPING(period, category, priority, kecamatan_code) AS level,
                    period, category, priority, kecamatan_code, count(*) AS count,
                    count(*) FILTER (WHERE reopened) AS reopened
               FROM i GROUP BY GROUPING SETS ((period), (category), (priority), (kecamatan_code), ())
           )
           SELECT g.*, cat.label_id AS label, ar.name AS area_name FROM g
             LEFT JOIN categories cat ON cat.tenant_id = $1 AND cat.code = g.category
             LEFT JOIN areas ar ON ar.tenant_id = $1 AND ar.code = g.kecamatan_code
            ORDER BY g.level, g.count DESC, g.period, g.category, g.priority, g.kecamatan_code`,
    values: scoped(s, s.timeZone, unit),
  };
}

/** Incidents created in the range that the counts leave out, so totals can be reconciled. */
export function excludedIncidents(s: Scope): Sql {
  return {
    text: `SELECT count(*) FILTER (WHERE i.status = 'merged') AS merged,
                  count(*) FILTER (WHERE i.status = 'rejected') AS rejected
             FROM incidents i
            WHERE i.tenant_id = $1 AND i.created_at >= $2::timestamptz AND i.created_at < $3::timestamptz
              AND i.status IN ('merged', 'rejected')
              AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM assignments va WHERE va.tenant_id = i.tenant_id
                    AND va.incident_id = i.id AND va.agency_id = $4::uuid))`,
    values: scoped(s),
  };
}

/** Counted incidents per agency sent to them (a cancelled assignment is not a sending). */
export function incidentsByAgency(s: Scope): Sql {
  return {
    text: `SELECT g.id AS agency_id, g.code, g.name, count(DISTINCT i.id) AS count
             FROM incidents i
             JOIN assignments a ON a.tenant_id = i.tenant_id AND a.incident_id = i.id
             JOIN agencies g ON g.tenant_id = a.tenant_id AND g.id = a.agency_id
            WHERE ${COUNTED} AND a.status <> 'cancelled' AND ($4::uuid IS NULL OR a.agency_id = $4::uuid)
            GROUP BY g.id, g.code, g.name ORDER BY count DESC, g.code`,
    values: scoped(s),
  };
}

const durationStats = (prefix: string, column: string) => `
  count(${column}) AS ${prefix}_count,
  ${seconds(0.5, column)} AS ${prefix}_median,
  ${seconds(0.9, column)} AS ${prefix}_p90,
  ${share(`count(*) FILTER (WHERE ${column} <= 60)`, `count(${column})`)} AS ${prefix}_within60`;

/**
 * The centre's processing interval (NFPA 1225: 90% within 60 s), per period and in total:
 * - answer → incident: the linked call's `started_at` to the incident's `created_at` (negative
 *   spans — an incident linked to a later call — are not a processing time and are left out);
 * - incident → first dispatch: to the earliest sending. A reopen moves `dispatched_at` to the
 *   reopen time, so the first `assignment.created` event is taken when it is earlier.
 */
export function handlingTimes(s: Scope, unit: string): Sql {
  return {
    text: `WITH i AS (
             SELECT ${period('i.created_at')} AS period,
                    CASE WHEN c.started_at <= i.created_at
                         THEN extract(epoch FROM i.created_at - c.started_at)::float8 END AS answer_s,
                    extract(epoch FROM least(
                      (SELECT min(a.dispatched_at) FROM assignments a
                        WHERE a.tenant_id = i.tenant_id AND a.incident_id = i.id),
                      (SELECT min(e.at) FROM events e WHERE e.tenant_id = i.tenant_id AND e.incident_id = i.id
                          AND e.type = 'assignment.created')) - i.created_at)::float8 AS dispatch_s
               FROM incidents i
               LEFT JOIN calls c ON c.tenant_id = i.tenant_id AND c.id = i.call_id
              WHERE ${COUNTED}
           )
           SELECT GROUPING(period) AS level, period, ${durationStats('answer', 'answer_s')},
                  ${durationStats('dispatch', 'dispatch_s')}
             FROM i GROUP BY GROUPING SETS ((period), ()) ORDER BY level, period`,
    values: scoped(s, s.timeZone, unit),
  };
}

/**
 * The hand-off's promised date, or null when PostgreSQL could not read it. The API checks RFC 3339,
 * which also allows year 0000 and offsets beyond ±15:59 that PostgreSQL refuses: one such
 * hand-off must not turn every report of its period into an error.
 */
const PROMISED_AT = `(CASE WHEN a.handoff->>'promisedAt' ~
  '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-](0[0-9]|1[0-5]):[0-5][0-9])$'
  THEN (a.handoff->>'promisedAt')::timestamptz END)`;

/** Open, past the promised date, at a vertical institution: the hand-offs nobody followed up. */
const HANDOFF_OVERDUE = `(g.kind = 'vertical' AND a.status NOT IN ('resolved', 'declined', 'cancelled')
  AND ${PROMISED_AT} < now())`;

/**
 * Per agency, over the assignments of the counted incidents (cancelled ones excluded: the
 * incident was withdrawn, not the agency's doing). An assignment MISSED its targets if it was
 * declined, has an sla_breached event (including breaches before a reopen), or met a target late
 * or not at all past its due time; it MET them if not missed and it reached every target it has
 * (at least one); otherwise it is pending. Compliance = met / (met + missed). Times run from
 * `dispatched_at` (for a reopened assignment: its latest round). Every active agency is listed,
 * ranked by compliance (ties share a rank; none judged → no rank). The ranking is over every
 * agency; an agency key then gets its own row only: its true place, not "first of one".
 */
export function agencyStats(s: Scope): Sql {
  return {
    text: `WITH a AS (
             SELECT a.*, g.kind, br.breaches
               FROM incidents i
               JOIN assignments a ON a.tenant_id = i.tenant_id AND a.incident_id = i.id
               JOIN agencies g ON g.tenant_id = a.tenant_id AND g.id = a.agency_id
               -- A lateral join counts once per assignment (a scalar subquery would run per use).
               CROSS JOIN LATERAL (SELECT count(*) AS breaches FROM events e
                                    WHERE e.tenant_id = a.tenant_id AND e.type = 'sla_breached'
                                      AND e.incident_id = a.incident_id AND e.assignment_id = a.id) br
              WHERE ${IN_RANGE} AND a.status <> 'cancelled'
           ), j AS (
             SELECT a.*, m.missed,
                    NOT m.missed AND coalesce(a.ack_due_at, a.on_scene_due_at, a.resolve_due_at) IS NOT NULL
                      AND (a.ack_due_at IS NULL OR a.acknowledged_at IS NOT NULL)
                      AND (a.on_scene_due_at IS NULL OR a.on_scene_at IS NOT NULL)
                      AND (a.resolve_due_at IS NULL OR a.resolved_at IS NOT NULL) AS met,
                    extract(epoch FROM a.acknowledged_at - a.dispatched_at)::float8 AS ack_s,
                    extract(epoch FROM a.on_scene_at - a.dispatched_at)::float8 AS on_scene_s,
                    extract(epoch FROM a.resolved_at - a.dispatched_at)::float8 AS resolve_s,
                    (a.handoff IS NOT NULL AND ${HANDOFF_OVERDUE.replaceAll('g.kind', 'a.kind')}) AS handoff_overdue
               FROM a CROSS JOIN LATERAL (SELECT (a.status = 'declined' OR a.breaches > 0
                      OR a.acknowledged_at > a.ack_due_at OR (a.acknowledged_at IS NULL AND a.ack_due_at < now())
                      OR a.on_scene_at > a.on_scene_due_at OR (a.on_scene_at IS NULL AND a.on_scene_due_at < now())
                      OR a.resolved_at > a.resolve_due_at OR (a.resolved_at IS NULL AND a.resolve_due_at < now())
                    ) IS TRUE AS missed) m
           ), t AS (
             SELECT g.id AS agency_id, g.code, g.name, g.kind,
                    count(j.id) AS assigned, count(j.acknowledged_at) AS acknowledged,
                    count(j.ack_due_at) AS ack_targeted,
                    count(*) FILTER (WHERE j.acknowledged_at <= j.ack_due_at) AS acknowledged_on_time,
                    count(*) FILTER (WHERE j.status = 'resolved') AS resolved,
                    count(*) FILTER (WHERE j.status = 'declined') AS declined,
                    count(*) FILTER (WHERE j.met) AS targets_met,
                    count(*) FILTER (WHERE j.missed) AS targets_missed,
                    count(*) FILTER (WHERE NOT j.met AND NOT j.missed) AS pending,
                    ${share('count(*) FILTER (WHERE j.met)', 'count(*) FILTER (WHERE j.met OR j.missed)')} AS compliance,
                    ${seconds(0.5, 'j.ack_s')} AS ack_median, ${seconds(0.9, 'j.ack_s')} AS ack_p90,
                    ${seconds(0.5, 'j.on_scene_s')} AS on_scene_median, ${seconds(0.9, 'j.on_scene_s')} AS on_scene_p90,
                    ${seconds(0.5, 'j.resolve_s')} AS resolve_median, ${seconds(0.9, 'j.resolve_s')} AS resolve_p90,
                    coalesce(sum(j.breaches), 0) AS breaches,
                    count(*) FILTER (WHERE j.reopen_count > 0) AS reopened,
                    count(*) FILTER (WHERE j.handoff_overdue) AS handoffs_overdue
               FROM agencies g LEFT JOIN j ON j.agency_id = g.id
              WHERE g.tenant_id = $1
              GROUP BY g.id, g.code, g.name, g.kind
             HAVING bool_or(g.active) OR count(j.id) > 0
           ), r AS (
             SELECT t.*, CASE WHEN t.compliance IS NOT NULL
                              THEN rank() OVER (PARTITION BY t.compliance IS NULL ORDER BY t.compliance DESC) END AS rank
               FROM t
           )
           SELECT * FROM r WHERE $4::uuid IS NULL OR r.agency_id = $4::uuid
            ORDER BY r.compliance DESC NULLS LAST, r.assigned DESC, r.code`,
    values: scoped(s),
  };
}

/** Hand-offs of the counted incidents still open past their promised date, oldest promise first. */
export function overdueHandoffs(s: Scope): Sql {
  return {
    text: `SELECT a.id AS assignment_id, i.id AS incident_id, i.number, i.category, g.id AS agency_id,
                  g.code AS agency_code, g.name AS agency_name, a.handoff->>'ticket' AS ticket,
                  ${PROMISED_AT} AS promised_at, a.status,
                  floor(extract(epoch FROM now() - ${PROMISED_AT}) / 3600) AS overdue_hours
             FROM incidents i
             JOIN assignments a ON a.tenant_id = i.tenant_id AND a.incident_id = i.id
             JOIN agencies g ON g.tenant_id = a.tenant_id AND g.id = a.agency_id
            WHERE ${COUNTED} AND a.handoff IS NOT NULL AND ${HANDOFF_OVERDUE}
              AND ($4::uuid IS NULL OR a.agency_id = $4::uuid)
            ORDER BY promised_at, i.number`,
    values: scoped(s),
  };
}
