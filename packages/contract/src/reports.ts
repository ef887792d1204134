import Type, { type Static, type TSchema } from 'typebox';
import { AgencyKind, CallOutcome, Channel, Priority } from './enums.js';

/**
 * Monitoring and evaluation reports. Every report covers the incidents and calls of a range of
 * LOCAL dates in the tenant's time zone: `from` inclusive, `to` exclusive (a month is
 * `from=2026-11-01&to=2026-12-01`), at most `MAX_REPORT_DAYS` days. Durations are seconds
 * rounded to 0.1 s; shares are fractions 0..1 rounded to 4 decimals, `null` when nothing was
 * counted (0 of 0 is not 0%).
 */
export const MAX_REPORT_DAYS = 400;
export const REPORT_GROUPINGS = ['day', 'week', 'month'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];
export const REPORT_FORMATS = ['json', 'csv'] as const;
/** The tables of the summary that `format=csv` can export, one per file (a CSV holds one table). */
export const SUMMARY_SECTIONS = ['calls', 'incidents', 'handling', 'agencies', 'handoffs'] as const;
export type SummarySection = (typeof SUMMARY_SECTIONS)[number];
export const HOTSPOT_LEVELS = ['kecamatan', 'desa'] as const;
export const HOTSPOT_SECTIONS = ['areas', 'grid'] as const;

/** A report may end in the future (this month so far): `to` up to MAX_REPORT_DAYS ahead. */
const LocalDate = (description: string) =>
  Type.String({ format: 'date', description, 'x-sigap-max-days-ahead': MAX_REPORT_DAYS });
const range = {
  from: LocalDate('first local day of the report (inclusive), YYYY-MM-DD'),
  to: LocalDate('local day after the report (exclusive), YYYY-MM-DD'),
};
const format = Type.Optional(
  Type.Enum(REPORT_FORMATS, { description: 'csv is also chosen by `Accept: text/csv`' }),
);

export const SummaryQuery = Type.Object(
  {
    ...range,
    groupBy: Type.Optional(
      Type.Enum(REPORT_GROUPINGS, {
        default: 'day',
        description:
          'periods are labelled by their first local day; weeks start on Monday (ISO), so a range that ' +
          'starts mid-week has a first week labelled before `from`, holding only the days from `from`',
      }),
    ),
    format,
    section: Type.Optional(
      Type.Enum(SUMMARY_SECTIONS, { description: 'which table a CSV export holds (default calls)' }),
    ),
  },
  { additionalProperties: false },
);
export type SummaryQuery = Static<typeof SummaryQuery>;

export const AgencyReportQuery = Type.Object({ ...range, format }, { additionalProperties: false });
export type AgencyReportQuery = Static<typeof AgencyReportQuery>;

export const HotspotQuery = Type.Object(
  {
    ...range,
    level: Type.Optional(Type.Enum(HOTSPOT_LEVELS, { default: 'kecamatan' })),
    cell: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 50_000, default: 1000, description: 'grid cell size, metres' }),
    ),
    format,
    section: Type.Optional(Type.Enum(HOTSPOT_SECTIONS, { description: 'which table a CSV export holds' })),
  },
  { additionalProperties: false },
);
export type HotspotQuery = Static<typeof HotspotQuery>;

export const IncidentExportQuery = Type.Object({ ...range }, { additionalProperties: false });
export type IncidentExportQuery = Static<typeof IncidentExportQuery>;

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Share = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
const Seconds = Nullable(Type.Number());

const ReportHeader = {
  tenantId: Type.String(),
  timeZone: Type.String(),
  from: Type.String(),
  to: Type.String(),
  generatedAt: Type.String(),
};

/** Nuisance = prank + silent + misdial; `prank` counts pranks alone. */
const CallCounts = {
  total: Type.Integer(),
  nuisance: Type.Integer(),
  prank: Type.Integer(),
  nuisanceShare: Share,
  prankShare: Share,
};
const OutcomeCounts = Type.Object({
  incident: Type.Integer(),
  prank: Type.Integer(),
  silent: Type.Integer(),
  misdial: Type.Integer(),
  info: Type.Integer(),
  duplicate: Type.Integer(),
  non_emergency: Type.Integer(),
});

export const CallsSummary = Type.Object({
  ...CallCounts,
  byChannel: Type.Array(Type.Object({ channel: Channel, ...CallCounts })),
  byOutcome: Type.Array(Type.Object({ outcome: CallOutcome, count: Type.Integer(), share: Share })),
  periods: Type.Array(
    Type.Object({
      period: Type.String({ description: 'first local day of the period' }),
      ...CallCounts,
      outcomes: OutcomeCounts,
      channels: Type.Array(Type.Object({ channel: Channel, ...CallCounts, outcomes: OutcomeCounts })),
    }),
  ),
});

export const IncidentsSummary = Type.Object({
  total: Type.Integer({ description: 'incidents created in the range, not merged or rejected' }),
  excluded: Type.Object({ merged: Type.Integer(), rejected: Type.Integer() }),
  reopened: Type.Integer({ description: 'counted incidents with an incident.reopened event' }),
  periods: Type.Array(Type.Object({ period: Type.String(), count: Type.Integer() })),
  byCategory: Type.Array(
    Type.Object({ category: Type.String(), label: Type.String(), count: Type.Integer() }),
  ),
  byPriority: Type.Array(Type.Object({ priority: Priority, count: Type.Integer() })),
  byKecamatan: Type.Array(
    Type.Object({ code: Nullable(Type.String()), name: Nullable(Type.String()), count: Type.Integer() }),
  ),
  byAgency: Type.Array(
    Type.Object({ agencyId: Type.String(), code: Type.String(), name: Type.String(), count: Type.Integer() }),
  ),
});

export const DurationStats = Type.Object({
  count: Type.Integer(),
  medianS: Seconds,
  p90S: Seconds,
  within60sShare: Share,
});
export type DurationStats = Static<typeof DurationStats>;

/** NFPA 1225 processing interval: 90% of calls processed within 60 s. */
export const HandlingSummary = Type.Object({
  answerToIncident: DurationStats,
  incidentToDispatch: DurationStats,
  periods: Type.Array(
    Type.Object({
      period: Type.String(),
      answerToIncident: DurationStats,
      incidentToDispatch: DurationStats,
    }),
  ),
});

/** One answer → dispatch figure per incident, overall and by who took it, shift and hour (issue 15). */
export const AnswerToDispatch = Type.Object({
  overall: DurationStats,
  byCallTaker: Type.Array(Type.Object({ callTaker: Type.String(), stats: DurationStats })),
  byShift: Type.Array(
    Type.Object({ shift: Type.String({ description: "local hours, e.g. '07-15'" }), stats: DurationStats }),
  ),
  byHour: Type.Array(Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23 }), stats: DurationStats })),
});
export type AnswerToDispatch = Static<typeof AnswerToDispatch>;

export const AgencyStats = Type.Object({
  rank: Nullable(
    Type.Integer({
      description: 'place by compliance among all agencies (ties share it); null when none was judged',
    }),
  ),
  agencyId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  kind: AgencyKind,
  assigned: Type.Integer({ description: 'assignments of the range’s incidents, not cancelled' }),
  acknowledged: Type.Integer(),
  ackTargeted: Type.Integer({ description: 'assignments with an acknowledge target' }),
  acknowledgedOnTime: Type.Integer(),
  resolved: Type.Integer(),
  declined: Type.Integer(),
  targetsMet: Type.Integer({ description: 'every target met on time, not declined, no breach' }),
  targetsMissed: Type.Integer(),
  pending: Type.Integer({ description: 'open, no target missed yet: not judged' }),
  compliance: Share,
  ackMedianS: Seconds,
  ackP90S: Seconds,
  onSceneMedianS: Seconds,
  onSceneP90S: Seconds,
  resolveMedianS: Seconds,
  resolveP90S: Seconds,
  breaches: Type.Integer({ description: 'sla_breached events of these assignments' }),
  reopened: Type.Integer({ description: 'assignments reopened at least once' }),
  handoffsOverdue: Type.Integer({ description: 'open hand-offs past their promised date' }),
});
export type AgencyStats = Static<typeof AgencyStats>;

export const OverdueHandoff = Type.Object({
  assignmentId: Type.String(),
  incidentId: Type.String(),
  incidentNumber: Type.String(),
  category: Type.String(),
  agencyId: Type.String(),
  agencyCode: Type.String(),
  agencyName: Type.String(),
  ticket: Nullable(Type.String()),
  promisedAt: Type.String(),
  overdueHours: Type.Integer({ description: 'whole hours since the promised date' }),
  status: Type.String(),
});
export type OverdueHandoff = Static<typeof OverdueHandoff>;

export const SummaryReport = Type.Object({
  ...ReportHeader,
  groupBy: Type.Enum(REPORT_GROUPINGS),
  calls: Nullable(CallsSummary),
  incidents: IncidentsSummary,
  handling: HandlingSummary,
  answerToDispatch: Type.Optional(AnswerToDispatch),
  agencies: Type.Array(AgencyStats),
  overdueHandoffs: Type.Array(OverdueHandoff),
});
export type SummaryReport = Static<typeof SummaryReport>;

export const AgencyReport = Type.Object({ ...ReportHeader, agencies: Type.Array(AgencyStats) });
export type AgencyReport = Static<typeof AgencyReport>;

const PointGeometry = Type.Object({
  type: Type.Literal('Point'),
  coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
});

export const HotspotReport = Type.Object({
  ...ReportHeader,
  level: Type.Enum(HOTSPOT_LEVELS),
  cellM: Type.Integer(),
  /** The metric projection the grid was computed in: the tenant's UTM zone, e.g. EPSG:32749. */
  crs: Nullable(Type.String()),
  areas: Type.Array(
    Type.Object({ code: Type.String(), name: Nullable(Type.String()), count: Type.Integer() }),
  ),
  unknownArea: Type.Integer({ description: 'incidents without an area code at this level' }),
  grid: Type.Object({
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        geometry: PointGeometry,
        properties: Type.Object({ count: Type.Integer() }),
      }),
    ),
  }),
});
export type HotspotReport = Static<typeof HotspotReport>;

/** `GET /v1/reports/incidents.geojson`: the range's incidents with a point; no personal data. */
export const IncidentFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: PointGeometry,
      properties: Type.Object({
        number: Type.String(),
        category: Type.String(),
        priority: Priority,
        status: Type.String(),
        createdAt: Type.String(),
        localDate: Type.String(),
        kecamatanCode: Nullable(Type.String()),
        desaCode: Nullable(Type.String()),
        agencies: Type.Array(Type.String()),
      }),
    }),
  ),
});
export type IncidentFeatureCollection = Static<typeof IncidentFeatureCollection>;
