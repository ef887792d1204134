/** A point on the map (WGS 84). */
export interface LonLat {
  lon: number;
  lat: number;
}

/** One unit to time towards the incident, with what PostGIS already measured. */
export interface TravelOrigin extends LonLat {
  /** Straight-line (great-circle) distance to the incident, metres. */
  distanceM: number;
  /** What kind of unit: speeds differ (a fire engine is slower than a patrol car). */
  kind: string;
}

/**
 * Estimates travel times from units to an incident. Adapters sit behind this one interface
 * (straight-line by default, OSRM when OSRM_URL is set), like FixMyStreet's geocoders.
 */
export interface TravelTimeProvider {
  readonly name: string;
  /** Seconds for each origin, in order; `null` where the provider cannot tell. */
  durations(
    origins: readonly TravelOrigin[],
    destination: LonLat,
    signal?: AbortSignal,
  ): Promise<(number | null)[]>;
}
