import type { TravelOrigin, TravelTimeProvider } from './types.js';

/** Typical urban speeds in km/h with lights and sirens; unknown kinds use the slowest. */
const SPEED_KMH: Record<string, number> = {
  ambulance: 45,
  ambulance_bls: 45,
  ambulance_als: 45,
  patrol_car: 45,
  fire_engine: 35,
  water_tanker: 30,
  rescue: 35,
  rescue_team: 35,
  pju_crew: 30,
  utility_crew: 30,
  field_team: 30,
  police_post: 30,
  office: 25,
};
const DEFAULT_SPEED_KMH = 25;
/** Roads are longer than the straight line: a common urban detour factor. */
const DETOUR_FACTOR = 1.3;

/** ETA from the straight-line distance and the unit's kind: no network needed, always answers. */
export const straightLine: TravelTimeProvider = {
  name: 'straight_line',
  async durations(origins: readonly TravelOrigin[]) {
    return origins.map((o) => {
      const kmh = SPEED_KMH[o.kind] ?? DEFAULT_SPEED_KMH;
      return Math.round((o.distanceM * DETOUR_FACTOR) / ((kmh * 1000) / 3600));
    });
  },
};
