/** A box in WGS 84: the tenant's extent, to which external results are restricted. */
export interface Bbox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** One result of an external geocoder, before the tenant's areas are attached to it. */
export interface ExternalResult {
  lon: number;
  lat: number;
  label: string;
}

export interface SearchOptions {
  limit: number;
  bbox: Bbox;
  signal: AbortSignal;
}

/**
 * An external geocoder (Nominatim, Photon). Adapters sit behind this one interface and are
 * chosen by configuration (GEOCODER), like FixMyStreet's `Geocode/*.pm`. They throw on any
 * failure; timeouts, caching and the fallback to the gazetteer are the caller's business.
 */
export interface GeocoderProvider {
  readonly name: 'nominatim' | 'photon';
  search(query: string, options: SearchOptions): Promise<ExternalResult[]>;
}

export function insideBbox(p: { lon: number; lat: number }, b: Bbox): boolean {
  return p.lon >= b.minLon && p.lon <= b.maxLon && p.lat >= b.minLat && p.lat <= b.maxLat;
}

/** A finite number from a number or numeric string (Nominatim sends coordinates as strings). */
export function toNumber(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}
