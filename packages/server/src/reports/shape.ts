import {
  CALL_OUTCOMES,
  type CallOutcome,
  CHANNELS,
  type Channel,
  type DurationStats,
  PRIORITIES,
  type Priority,
  type SummaryReport,
} from '@sigap/contract';

/**
 * Turns the roll-up rows of sql.ts into the report's JSON. Nothing is computed here beyond
 * picking rows by their GROUPING level and filling the periods and categories that had no rows
 * with zeros (0 of 0 stays null), so the JSON has the same shape whatever the data.
 */
type CallsSummary = NonNullable<SummaryReport['calls']>;
type IncidentsSummary = SummaryReport['incidents'];
type HandlingSummary = SummaryReport['handling'];

export interface CallRow {
  level: number;
  period: string | null;
  channel: Channel | null;
  outcome: CallOutcome | null;
  total: number;
  nuisance: number;
  prank: number;
  nuisance_share: number | null;
  prank_share: number | null;
  outcome_share: number | null;
}

/** GROUPING(period, channel, outcome) bitmasks of callRollup. */
const CALL = {
  detail: 0,
  periodChannel: 1,
  periodOutcome: 2,
  period: 3,
  channel: 5,
  outcome: 6,
  all: 7,
} as const;

const callCounts = (r: CallRow | undefined) => ({
  total: r?.total ?? 0,
  nuisance: r?.nuisance ?? 0,
  prank: r?.prank ?? 0,
  nuisanceShare: r?.nuisance_share ?? null,
  prankShare: r?.prank_share ?? null,
});

export function shapeCalls(rows: CallRow[], periods: string[]): CallsSummary {
  // Keyed look-ups: a 400-day report has thousands of rows, scanned once here.
  const key = (level: number, period: string | null, channel: string | null, outcome: string | null) =>
    `${level}|${period}|${channel}|${outcome}`;
  const byKey = new Map(rows.map((r) => [key(r.level, r.period, r.channel, r.outcome), r]));
  const get = (level: number, period: string | null, channel: string | null, outcome: string | null) =>
    byKey.get(key(level, period, channel, outcome));
  const all = get(CALL.all, null, null, null);
  const outcomes = (level: number, period: string, channel: string | null) =>
    Object.fromEntries(CALL_OUTCOMES.map((o) => [o, get(level, period, channel, o)?.total ?? 0])) as Record<
      CallOutcome,
      number
    >;
  return {
    ...callCounts(all),
    byChannel: CHANNELS.map((channel) => ({
      channel,
      ...callCounts(get(CALL.channel, null, channel, null)),
    })),
    byOutcome: CALL_OUTCOMES.map((outcome) => {
      const r = get(CALL.outcome, null, null, outcome);
      return { outcome, count: r?.total ?? 0, share: r ? r.outcome_share : all?.total ? 0 : null };
    }),
    periods: periods.map((period) => ({
      period,
      ...callCounts(get(CALL.period, period, null, null)),
      outcomes: outcomes(CALL.periodOutcome, period, null),
      channels: CHANNELS.flatMap((channel) => {
        const r = get(CALL.periodChannel, period, channel, null);
        return r ? [{ channel, ...callCounts(r), outcomes: outcomes(CALL.detail, period, channel) }] : [];
      }),
    })),
  };
}

export interface IncidentRow {
  level: number;
  period: string | null;
  category: string | null;
  priority: Priority | null;
  kecamatan_code: string | null;
  count: number;
  reopened: number;
  label: string | null;
  area_name: string | null;
}

/** GROUPING(period, category, priority, kecamatan_code) bitmasks of incidentRollup. */
const INCIDENT = { period: 7, category: 11, priority: 13, kecamatan: 14, all: 15 } as const;

export function shapeIncidents(
  rows: IncidentRow[],
  byAgency: { agency_id: string; code: string; name: string; count: number }[],
  periods: string[],
  excluded: { merged: number; rejected: number },
): IncidentsSummary {
  const at = (level: number) => rows.filter((r) => r.level === level);
  const all = at(INCIDENT.all)[0];
  const perPeriod = new Map(at(INCIDENT.period).map((r) => [r.period, r.count]));
  return {
    total: all?.count ?? 0,
    excluded,
    reopened: all?.reopened ?? 0,
    periods: periods.map((period) => ({ period, count: perPeriod.get(period) ?? 0 })),
    byCategory: at(INCIDENT.category).map((r) => ({
      category: r.category!,
      label: r.label ?? r.category!,
      count: r.count,
    })),
    byPriority: PRIORITIES.map((priority) => ({
      priority,
      count: at(INCIDENT.priority).find((r) => r.priority === priority)?.count ?? 0,
    })),
    byKecamatan: at(INCIDENT.kecamatan).map((r) => ({
      code: r.kecamatan_code,
      name: r.area_name,
      count: r.count,
    })),
    byAgency: byAgency.map((r) => ({ agencyId: r.agency_id, code: r.code, name: r.name, count: r.count })),
  };
}

export interface HandlingRow {
  level: number;
  period: string | null;
  answer_count: number;
  answer_median: number | null;
  answer_p90: number | null;
  answer_within60: number | null;
  dispatch_count: number;
  dispatch_median: number | null;
  dispatch_p90: number | null;
  dispatch_within60: number | null;
}

const stats = (r: HandlingRow | undefined, prefix: 'answer' | 'dispatch'): DurationStats => ({
  count: r?.[`${prefix}_count`] ?? 0,
  medianS: r?.[`${prefix}_median`] ?? null,
  p90S: r?.[`${prefix}_p90`] ?? null,
  within60sShare: r?.[`${prefix}_within60`] ?? null,
});

export function shapeHandling(rows: HandlingRow[], periods: string[]): HandlingSummary {
  const all = rows.find((r) => r.level === 1);
  const perPeriod = new Map(rows.filter((r) => r.level === 0).map((r) => [r.period, r]));
  return {
    answerToIncident: stats(all, 'answer'),
    incidentToDispatch: stats(all, 'dispatch'),
    periods: periods.map((period) => {
      const r = perPeriod.get(period);
      return { period, answerToIncident: stats(r, 'answer'), incidentToDispatch: stats(r, 'dispatch') };
    }),
  };
}
