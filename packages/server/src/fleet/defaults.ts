import type { PlanSlot, ResponsePlanBody } from '@sigap/contract';

/**
 * Built-in unit types: every tenant has them, so imports and the admin API accept them without
 * setup. A tenant adds its own (a water-rescue jet ski, a snake catcher) through
 * PUT /v1/admin/unit-types/{code}; those live in the `unit_types` table.
 * Capabilities describe what a type can do (for people and for later matching); the response
 * plans below name types.
 */
export interface BuiltInUnitType {
  code: string;
  labelId: string;
  labelEn: string;
  capabilities: string[];
}

export const BUILT_IN_UNIT_TYPES: readonly BuiltInUnitType[] = [
  {
    code: 'fire_engine',
    labelId: 'Mobil pemadam',
    labelEn: 'Fire engine',
    capabilities: ['fire_suppression', 'water_supply'],
  },
  {
    code: 'water_tanker',
    labelId: 'Mobil tangki air',
    labelEn: 'Water tanker',
    capabilities: ['water_supply'],
  },
  { code: 'rescue', labelId: 'Tim rescue', labelEn: 'Rescue team', capabilities: ['rescue', 'extrication'] },
  {
    code: 'ambulance',
    labelId: 'Ambulans',
    labelEn: 'Ambulance',
    capabilities: ['patient_transport', 'medical_bls'],
  },
  {
    code: 'ambulance_bls',
    labelId: 'Ambulans gawat darurat dasar',
    labelEn: 'Ambulance (basic life support)',
    capabilities: ['patient_transport', 'medical_bls'],
  },
  {
    code: 'ambulance_als',
    labelId: 'Ambulans gawat darurat lanjut',
    labelEn: 'Ambulance (advanced life support)',
    capabilities: ['patient_transport', 'medical_bls', 'medical_als'],
  },
  {
    code: 'patrol_car',
    labelId: 'Mobil patroli',
    labelEn: 'Patrol car',
    capabilities: ['law_enforcement', 'traffic_control'],
  },
  { code: 'boat', labelId: 'Perahu karet', labelEn: 'Boat', capabilities: ['water_rescue'] },
  { code: 'pju_crew', labelId: 'Tim PJU', labelEn: 'Street-light crew', capabilities: ['street_lighting'] },
  { code: 'field_team', labelId: 'Tim lapangan', labelEn: 'Field team', capabilities: ['field_work'] },
  { code: 'utility_crew', labelId: 'Tim teknisi', labelEn: 'Utility crew', capabilities: ['utility_repair'] },
  { code: 'police_post', labelId: 'Polsek', labelEn: 'Police post', capabilities: ['law_enforcement'] },
  { code: 'health_centre', labelId: 'Puskesmas', labelEn: 'Health centre', capabilities: ['medical_bls'] },
  { code: 'hospital', labelId: 'Rumah sakit', labelEn: 'Hospital', capabilities: ['medical_als'] },
  { code: 'office', labelId: 'Kantor', labelEn: 'Office', capabilities: [] },
];

export const BUILT_IN_CODES: ReadonlySet<string> = new Set(BUILT_IN_UNIT_TYPES.map((t) => t.code));

const slot = (unitType: string, count: number, agencyTypes?: string[]): PlanSlot => ({
  unitType,
  count,
  ...(agencyTypes ? { agencyTypes } : {}),
});
const victims = { victimsAtLeast: 1 };
const trapped = { trapped: true };

/**
 * Default response plans for the 17 default categories (shared/domain.md). Life-safety
 * categories name unit types from any agency (the nearest ALS ambulance is PSC 119's whoever
 * else is there); infrastructure categories name the responsible agency, since every agency
 * has a `field_team` and the PLN crew cannot fix a road.
 */
export const DEFAULT_PLANS: Readonly<Record<string, ResponsePlanBody>> = {
  fire: {
    slots: [slot('fire_engine', 2), slot('rescue', 1)],
    rules: [{ when: victims, add: [slot('ambulance_als', 1)] }],
  },
  traffic_accident: {
    slots: [slot('ambulance_bls', 1), slot('patrol_car', 1)],
    rules: [
      { when: { victimsAtLeast: 3 }, add: [slot('ambulance_als', 1)] },
      { when: trapped, add: [slot('rescue', 1)] },
    ],
  },
  medical: { slots: [slot('ambulance_als', 1)], rules: [] },
  crime: { slots: [slot('patrol_car', 1)], rules: [{ when: victims, add: [slot('ambulance_bls', 1)] }] },
  flood: {
    slots: [slot('rescue', 1)],
    rules: [
      { when: trapped, add: [slot('boat', 1)] },
      { when: victims, add: [slot('ambulance_bls', 1)] },
    ],
  },
  storm: {
    slots: [slot('rescue', 1)],
    rules: [
      { when: trapped, add: [slot('rescue', 1)] },
      { when: victims, add: [slot('ambulance_bls', 1)] },
    ],
  },
  landslide: {
    slots: [slot('rescue', 1)],
    rules: [
      { when: trapped, add: [slot('rescue', 1)] },
      { when: victims, add: [slot('ambulance_bls', 1)] },
    ],
  },
  fallen_tree: {
    slots: [slot('field_team', 1, ['BPBD', 'DLH'])],
    rules: [
      { when: trapped, add: [slot('rescue', 1)] },
      { when: victims, add: [slot('ambulance_bls', 1)] },
    ],
  },
  animal_rescue: { slots: [slot('rescue', 1, ['DAMKAR'])], rules: [] },
  odgj: { slots: [slot('field_team', 1, ['DINSOS', 'SATPOLPP'])], rules: [] },
  public_order: { slots: [slot('field_team', 1, ['SATPOLPP'])], rules: [] },
  street_light: { slots: [slot('pju_crew', 1)], rules: [] },
  damaged_road: { slots: [slot('field_team', 1, ['DPUPR'])], rules: [] },
  power_outage: { slots: [slot('field_team', 1, ['PLN'])], rules: [] },
  telecom: { slots: [slot('field_team', 1, ['TELKOM'])], rules: [] },
  water: { slots: [slot('field_team', 1, ['PDAM'])], rules: [] },
  other: { slots: [], rules: [] },
};
