import { COUNTED, type Scope, type Sql, scoped } from './sql.js';

/** Rounded in SQL so both backends return the same digits (as in sql.ts). */
const stats = (column: string) => `
  count(${column})::int AS count,
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${column}))::numeric, 1) AS median,
  round((percentile_cont(0.9) WITHIN GROUP (ORDER BY ${column}))::numeric, 1) AS p90,
  round((count(*) FILTER (WHERE ${column} <= 60))::numeric / nullif(count(${column}), 0), 4) AS within60`;

/**
 * One answer → dispatch figure per incident (NFPA 1225: 90% within 60 s): from the linked call's
 * answer (its `started_at`), or from the incident's creation for reports without a call (apps),
 * to the first sending (as in handlingTimes: the earlier of the first `dispatched_at` and the first
 * `assignment.created` event, since a reopen moves `dispatched_at`).
 * Grouped in one pass (GROUPING SETS) overall, per call taker (the call's `call_taker`, else the
 * name of the key that created the incident), per shift (07-15, 15-23, 23-07 local time) and per
 * hour of day, both in the tenant's zone ($5). Incidents never dispatched are not counted.
 */
export function answerToDispatch(s: Scope): Sql {
  return {
    text: `WITH i AS (
             SELECT coalesce(nullif(c.call_taker, ''), k.name, 'unknown') AS call_taker,
                    extract(hour FROM start.at AT TIME ZONE $5)::int AS hour,
                    extract(epoch FROM least(
                      (SELECT min(a.dispatched_at) FROM assignments a
                        WHERE a.tenant_id = i.tenant_id AND a.incident_id = i.id),
                      (SELECT min(e.at) FROM events e WHERE e.tenant_id = i.tenant_id AND e.incident_id = i.id
                          AND e.type = 'assignment.created')) - start.at)::float8 AS seconds
               FROM incidents i
               LEFT JOIN calls c ON c.tenant_id = i.tenant_id AND c.id = i.call_id
               LEFT JOIN api_keys k ON k.id = i.created_by
               CROSS JOIN LATERAL (SELECT CASE WHEN c.started_at <= i.created_at THEN c.started_at
                                               ELSE i.created_at END AS at) start
              WHERE ${COUNTED}
           ), g AS (
             SELECT *, CASE WHEN hour >= 7 AND hour < 15 THEN '07-15'
                            WHEN hour >= 15 AND hour < 23 THEN '15-23' ELSE '23-07' END AS shift
               FROM i WHERE seconds IS NOT NULL
           )
           SELECT GROUPING(call_taker) AS by_taker, GROUPING(shift) AS by_shift, GROUPING(hour) AS by_hour,
                  call_taker, shift, hour, ${stats('seconds')}
             FROM g GROUP BY GROUPING SETS ((), (call_taker), (shift), (hour))
            ORDER BY call_taker NULLS FIRST, shift NULLS FIRST, hour NULLS FIRST`,
    values: scoped(s, s.timeZone),
  };
}

export interface AnswerToDispatchRow {
  by_taker: number;
  by_shift: number;
  by_hour: number;
  call_taker: string | null;
  shift: string | null;
  hour: number | null;
  count: number;
  median: number | null;
  p90: number | null;
  within60: number | null;
}

type Stats = { count: number; medianS: number | null; p90S: number | null; within60sShare: number | null };

const toStats = (r: AnswerToDispatchRow | undefined): Stats => ({
  count: r?.count ?? 0,
  medianS: r?.median ?? null,
  p90S: r?.p90 ?? null,
  within60sShare: r?.within60 ?? null,
});

/** The rows of `answerToDispatch` as the report's object (GROUPING() = 1 marks the rolled-up column). */
export function shapeAnswerToDispatch(rows: AnswerToDispatchRow[]) {
  const overall = rows.find((r) => r.by_taker === 1 && r.by_shift === 1 && r.by_hour === 1);
  return {
    overall: toStats(overall),
    byCallTaker: rows
      .filter((r) => r.by_taker === 0)
      .map((r) => ({ callTaker: r.call_taker ?? 'unknown', stats: toStats(r) })),
    byShift: rows.filter((r) => r.by_shift === 0).map((r) => ({ shift: r.shift ?? '', stats: toStats(r) })),
    byHour: rows.filter((r) => r.by_hour === 0).map((r) => ({ hour: r.hour ?? 0, stats: toStats(r) })),
  };
}
