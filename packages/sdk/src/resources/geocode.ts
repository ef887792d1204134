/** Geocoding inside the tenant: from an address as a caller says it to points, and back. */
import type { RequestOptions, Transport } from '../internal/transport.js';
import type { GeocodeQuery, GeocodeResponse, ReverseGeocodeQuery, ReverseGeocodeResponse } from '../types.js';

export class Geocode {
  constructor(private readonly transport: Transport) {}

  /**
   * Candidates for an address as said (abbreviations, typos and "depan masjid" tolerated), best first.
   *
   * @example
   * const { candidates } = await sigap.geocode.search({ q: 'Ds. Geluran Kec Taman depan masjid', limit: 5 });
   * const best = candidates.find((c) => c.point);
   */
  search(query: GeocodeQuery, options?: RequestOptions): Promise<GeocodeResponse> {
    return this.transport.request({ ...options, method: 'GET', path: '/v1/geocode', query: { ...query } });
  }

  /**
   * The desa, kecamatan and kabupaten at a point.
   *
   * @example
   * const { desa, kecamatan, insideTenant } = await sigap.geocode.reverse({ lon: 112.7205, lat: -7.4478 });
   */
  reverse(query: ReverseGeocodeQuery, options?: RequestOptions): Promise<ReverseGeocodeResponse> {
    return this.transport.request({
      ...options,
      method: 'GET',
      path: '/v1/geocode/reverse',
      query: { ...query },
    });
  }
}
