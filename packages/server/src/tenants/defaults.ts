import type { Priority } from '@sigap/contract';

/**
 * Default configuration of a new tenant, from the public practice of Indonesian 112 centres
 * (see shared/domain.md). Tenants change categories, agencies and targets through the admin API.
 */
export interface DefaultCategory {
  code: string;
  labelId: string;
  labelEn: string;
  priority: Priority;
  /** Groups of agency types: every type of the first group is needed; later groups are fallbacks. */
  responsible: string[][];
}

export const DEFAULT_CATEGORIES: readonly DefaultCategory[] = [
  { code: 'fire', labelId: 'Kebakaran', labelEn: 'Fire', priority: 'P1', responsible: [['DAMKAR']] },
  {
    code: 'traffic_accident',
    labelId: 'Kecelakaan lalu lintas',
    labelEn: 'Traffic accident',
    priority: 'P1',
    responsible: [['PSC119', 'POLRI']],
  },
  {
    code: 'medical',
    labelId: 'Kegawatdaruratan medis',
    labelEn: 'Medical emergency',
    priority: 'P1',
    responsible: [['PSC119'], ['RSUD']],
  },
  { code: 'crime', labelId: 'Kriminalitas', labelEn: 'Crime', priority: 'P1', responsible: [['POLRI']] },
  { code: 'flood', labelId: 'Banjir', labelEn: 'Flood', priority: 'P1', responsible: [['BPBD']] },
  {
    code: 'storm',
    labelId: 'Angin puting beliung',
    labelEn: 'Whirlwind / storm',
    priority: 'P1',
    responsible: [['BPBD']],
  },
  {
    code: 'landslide',
    labelId: 'Tanah longsor',
    labelEn: 'Landslide',
    priority: 'P1',
    responsible: [['BPBD']],
  },
  {
    code: 'fallen_tree',
    labelId: 'Pohon tumbang',
    labelEn: 'Fallen tree',
    priority: 'P2',
    responsible: [['BPBD'], ['DAMKAR'], ['DLH']],
  },
  {
    code: 'animal_rescue',
    labelId: 'Evakuasi hewan',
    labelEn: 'Animal rescue (snakes, wasps...)',
    priority: 'P2',
    responsible: [['DAMKAR']],
  },
  {
    code: 'odgj',
    labelId: 'Orang dalam gangguan jiwa (ODGJ)',
    labelEn: 'Person with a mental disorder',
    priority: 'P2',
    responsible: [['DINSOS'], ['SATPOLPP']],
  },
  {
    code: 'public_order',
    labelId: 'Ketertiban umum',
    labelEn: 'Public order',
    priority: 'P2',
    responsible: [['SATPOLPP']],
  },
  {
    code: 'street_light',
    labelId: 'PJU mati',
    labelEn: 'Street light out',
    priority: 'P3',
    responsible: [['DISHUB']],
  },
  {
    code: 'damaged_road',
    labelId: 'Jalan rusak',
    labelEn: 'Damaged road',
    priority: 'P3',
    responsible: [['DPUPR']],
  },
  {
    code: 'power_outage',
    labelId: 'Gangguan listrik',
    labelEn: 'Power outage',
    priority: 'P3',
    responsible: [['PLN']],
  },
  {
    code: 'telecom',
    labelId: 'Gangguan telekomunikasi',
    labelEn: 'Telecom outage',
    priority: 'P3',
    responsible: [['TELKOM']],
  },
  {
    code: 'water',
    labelId: 'Gangguan air bersih',
    labelEn: 'Water supply problem',
    priority: 'P3',
    responsible: [['PDAM']],
  },
  { code: 'other', labelId: 'Lainnya', labelEn: 'Other', priority: 'P3', responsible: [['DISKOMINFO']] },
];

/** Response targets per priority, in seconds; `null` = no such target for that priority. */
export interface PriorityTargets {
  acknowledgeS: number | null;
  onSceneS: number | null;
  resolveS: number | null;
}

/** Watchdog limits per priority, in seconds; `null` = not watched (see incidents/watchdog.ts). */
export interface WatchdogLimits {
  verifyS: number | null;
  dispatchS: number | null;
}

export interface TenantSettings {
  targets: Record<Priority, PriorityTargets>;
  /** How long a new incident may wait for verification, and a verified one for its first dispatch. */
  watchdog: Record<Priority, WatchdogLimits>;
  /** Pranks from one number (within `prankWindowDays`) from which it is flagged `repeatPrankster`. */
  prankThreshold: number;
  prankWindowDays: number;
  /** How long a repeat prankster's number is soft-blocked (calls still logged and answerable). */
  softBlockHours: number;
  /** How long after resolution a reporter can have an incident reopened. */
  reopenWindowHours: number;
  /** Possible duplicates: open incidents of the same category this close in space and time. */
  duplicateRadiusM: number;
  duplicateWindowMinutes: number;
  /** Send the recommended units to a new P1 incident at once, without waiting for a dispatcher. */
  autoDispatchP1: boolean;
  /**
   * Calls logged from one number within a minute before more are refused with 429: a machine
   * flooding the line through an app, not a person in trouble (no one places 20 calls a minute).
   */
  callerRateLimitPerMinute: number;
  /**
   * Calls without a usable number (withheld, `anonymous`, garbled caller ID) share one budget
   * a minute: generous, since real callers withhold numbers too, but an app cannot flood the
   * log by leaving the number out.
   */
  anonymousCallRateLimitPerMinute: number;
  /** An address-only incident takes its best geocoding candidate as its point from this confidence. */
  geocodeConfidenceThreshold: number;
  /** Without a desa boundary or address match, the nearest desa point this close gives the desa (approximate). */
  desaPointRadiusM: number;
}

export const DEFAULT_SETTINGS: TenantSettings = {
  targets: {
    P1: { acknowledgeS: 2 * 60, onSceneS: 15 * 60, resolveS: null },
    P2: { acknowledgeS: 10 * 60, onSceneS: 60 * 60, resolveS: null },
    // "Maksimal 1x24 jam": every P3 report gets an answer within a day.
    P3: { acknowledgeS: null, onSceneS: null, resolveS: 24 * 60 * 60 },
  },
  // A P1 stuck a minute unverified or undispatched is already late (NFPA 1225: 90% of
  // emergency calls answered to dispatch within 60 s); P3 reports wait for office hours.
  watchdog: {
    P1: { verifyS: 60, dispatchS: 60 },
    P2: { verifyS: 3 * 60, dispatchS: 5 * 60 },
    P3: { verifyS: 60 * 60, dispatchS: 4 * 60 * 60 },
  },
  prankThreshold: 3,
  prankWindowDays: 90,
  softBlockHours: 24,
  reopenWindowHours: 72,
  duplicateRadiusM: 300,
  duplicateWindowMinutes: 30,
  autoDispatchP1: false,
  callerRateLimitPerMinute: 20,
  anonymousCallRateLimitPerMinute: 120,
  // An exact desa or place name with its kecamatan scores 1; one name shared by two desa 0.71;
  // a loose trigram match alone about 0.5. Below 0.6 a person should choose.
  geocodeConfidenceThreshold: 0.6,
  desaPointRadiusM: 2000,
};

/** Stored settings are partial overrides of the defaults (so new settings get sensible values). */
export function resolveSettings(stored: unknown): TenantSettings {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Partial<TenantSettings>;
  const targets = { ...DEFAULT_SETTINGS.targets };
  for (const p of ['P1', 'P2', 'P3'] as const) targets[p] = { ...targets[p], ...s.targets?.[p] };
  const watchdog = { ...DEFAULT_SETTINGS.watchdog };
  for (const p of ['P1', 'P2', 'P3'] as const) watchdog[p] = { ...watchdog[p], ...s.watchdog?.[p] };
  return { ...DEFAULT_SETTINGS, ...s, targets, watchdog };
}
