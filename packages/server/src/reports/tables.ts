import type {
  AgencyStats,
  CallOutcome,
  Channel,
  DurationStats,
  HotspotReport,
  SummaryReport,
  SummarySection,
} from '@sigap/contract';
import { CALL_OUTCOMES } from '@sigap/contract';
import type { Cell } from './csv.js';

/**
 * The reports as tables with Indonesian headers, for CSV: the people who read them are regency
 * officials, in Excel. Percentages are 0-100 with 2 decimals, durations in minutes (agencies) or
 * seconds (call handling, whose target is 60 s), local times in the tenant's zone.
 */
export interface Table {
  header: string[];
  rows: Cell[][];
}

const CHANNEL: Record<Channel, string> = {
  phone: 'Telepon 112',
  app: 'Aplikasi',
  sms: 'SMS',
  web: 'Web',
  radio: 'Radio',
  walk_in: 'Datang langsung',
};
const OUTCOME: Record<CallOutcome, string> = {
  incident: 'Kejadian',
  prank: 'Iseng',
  silent: 'Diam',
  misdial: 'Salah sambung',
  info: 'Informasi',
  duplicate: 'Duplikat',
  non_emergency: 'Bukan darurat',
};
const ALL = 'Semua';

const pct = (share: number | null) => (share === null ? null : Number((share * 100).toFixed(2)));
const minutes = (s: number | null) => (s === null ? null : Number((s / 60).toFixed(1)));

/** Wide by outcome: one row per period and channel, and a "Semua" row per period and in total. */
function callsTable(calls: SummaryReport['calls']): Table {
  const header = [
    'Periode',
    'Kanal',
    'Jumlah',
    ...CALL_OUTCOMES.map((o) => OUTCOME[o]),
    'Persentase gangguan (iseng+diam+salah sambung)',
    'Persentase iseng',
  ];
  if (!calls) return { header, rows: [] };
  type Counts = { total: number; nuisanceShare: number | null; prankShare: number | null };
  const row = (period: string, channel: string, c: Counts, outcomes: (number | null)[]): Cell[] => [
    period,
    channel,
    c.total,
    ...outcomes,
    pct(c.nuisanceShare),
    pct(c.prankShare),
  ];
  const rows: Cell[][] = [];
  for (const p of calls.periods) {
    rows.push(
      row(
        p.period,
        ALL,
        p,
        CALL_OUTCOMES.map((o) => p.outcomes[o]),
      ),
    );
    for (const c of p.channels)
      rows.push(
        row(
          p.period,
          CHANNEL[c.channel],
          c,
          CALL_OUTCOMES.map((o) => c.outcomes[o]),
        ),
      );
  }
  const outcomeTotals = CALL_OUTCOMES.map((o) => calls.byOutcome.find((x) => x.outcome === o)?.count ?? 0);
  rows.push(row(ALL, ALL, calls, outcomeTotals));
  return { header, rows };
}

/** Long: one row per dimension value, so one sheet holds every breakdown. */
function incidentsTable(i: SummaryReport['incidents']): Table {
  const rows: Cell[][] = [
    ['Total', null, 'Kejadian dihitung', i.total],
    ['Dikecualikan', 'merged', 'Digabung ke kejadian lain', i.excluded.merged],
    ['Dikecualikan', 'rejected', 'Ditolak (iseng)', i.excluded.rejected],
    ['Dibuka kembali', null, 'Kejadian dibuka kembali', i.reopened],
    ...i.periods.map((p): Cell[] => ['Periode', p.period, null, p.count]),
    ...i.byCategory.map((c): Cell[] => ['Kategori', c.category, c.label, c.count]),
    ...i.byPriority.map((p): Cell[] => ['Prioritas', p.priority, null, p.count]),
    ...i.byKecamatan.map((k): Cell[] => ['Kecamatan', k.code, k.name ?? 'Tanpa kecamatan', k.count]),
    ...i.byAgency.map((a): Cell[] => ['Instansi', a.code, a.name, a.count]),
  ];
  return { header: ['Dimensi', 'Kode', 'Nama', 'Jumlah'], rows };
}

function handlingTable(h: SummaryReport['handling']): Table {
  const row = (period: string, what: string, s: DurationStats): Cell[] => [
    period,
    what,
    s.count,
    s.medianS,
    s.p90S,
    pct(s.within60sShare),
  ];
  const pair = (
    period: string,
    p: { answerToIncident: DurationStats; incidentToDispatch: DurationStats },
  ) => [
    row(period, 'Panggilan dijawab sampai kejadian dibuat', p.answerToIncident),
    row(period, 'Kejadian dibuat sampai penugasan pertama', p.incidentToDispatch),
  ];
  return {
    header: ['Periode', 'Ukuran', 'Jumlah', 'Median (detik)', 'P90 (detik)', 'Dalam 60 detik (%)'],
    rows: [...h.periods.flatMap((p) => pair(p.period, p)), ...pair(ALL, h)],
  };
}

/** The league table, in its ranking order. */
export function agencyTable(agencies: AgencyStats[]): Table {
  return {
    header: [
      'Peringkat',
      'Kode',
      'Instansi',
      'Jenis',
      'Ditugaskan',
      'Diterima',
      'Dengan target terima',
      'Diterima tepat waktu',
      'Selesai',
      'Ditolak',
      'Semua target terpenuhi',
      'Target terlewat',
      'Belum dinilai',
      'Kepatuhan target (%)',
      'Median waktu terima (menit)',
      'P90 waktu terima (menit)',
      'Median waktu tiba (menit)',
      'P90 waktu tiba (menit)',
      'Median waktu selesai (menit)',
      'P90 waktu selesai (menit)',
      'Pelanggaran SLA',
      'Dibuka kembali',
      'Serah terima lewat janji',
    ],
    rows: agencies.map((a) => [
      a.rank,
      a.code,
      a.name,
      a.kind === 'vertical' ? 'Instansi vertikal' : 'OPD',
      a.assigned,
      a.acknowledged,
      a.ackTargeted,
      a.acknowledgedOnTime,
      a.resolved,
      a.declined,
      a.targetsMet,
      a.targetsMissed,
      a.pending,
      pct(a.compliance),
      minutes(a.ackMedianS),
      minutes(a.ackP90S),
      minutes(a.onSceneMedianS),
      minutes(a.onSceneP90S),
      minutes(a.resolveMedianS),
      minutes(a.resolveP90S),
      a.breaches,
      a.reopened,
      a.handoffsOverdue,
    ]),
  };
}

/** `2026-03-03 10:00` on the tenant's wall clock (sv-SE formats dates the ISO way). */
function localTime(isoTime: string, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(isoTime),
  );
}

function handoffTable(report: SummaryReport): Table {
  return {
    header: [
      'Nomor kejadian',
      'Kategori',
      'Kode instansi',
      'Instansi',
      'Nomor tiket',
      'Dijanjikan (waktu setempat)',
      'Terlambat (jam)',
      'Status',
    ],
    rows: report.overdueHandoffs.map((h) => [
      h.incidentNumber,
      h.category,
      h.agencyCode,
      h.agencyName,
      h.ticket,
      localTime(h.promisedAt, report.timeZone),
      h.overdueHours,
      h.status,
    ]),
  };
}

export function summaryTable(report: SummaryReport, section: SummarySection): Table {
  switch (section) {
    case 'calls':
      return callsTable(report.calls);
    case 'incidents':
      return incidentsTable(report.incidents);
    case 'handling':
      return handlingTable(report.handling);
    case 'agencies':
      return agencyTable(report.agencies);
    case 'handoffs':
      return handoffTable(report);
  }
}

export function hotspotTable(report: HotspotReport, section: 'areas' | 'grid'): Table {
  if (section === 'grid') {
    return {
      header: ['Bujur', 'Lintang', 'Jumlah kejadian'],
      rows: report.grid.features.map((f) => [
        f.geometry.coordinates[0]!,
        f.geometry.coordinates[1]!,
        f.properties.count,
      ]),
    };
  }
  const unknown = report.level === 'desa' ? 'Tanpa desa/kelurahan' : 'Tanpa kecamatan';
  return {
    header: ['Kode wilayah', 'Nama wilayah', 'Jumlah kejadian'],
    rows: [
      ...report.areas.map((a): Cell[] => [a.code, a.name, a.count]),
      ...(report.unknownArea > 0 ? [[null, unknown, report.unknownArea]] : []),
    ],
  };
}
