import { type Bbox, type ExternalResult, type GeocoderProvider, insideBbox, toNumber } from './types.js';

/** The parts of a Nominatim `/search?format=jsonv2` result this adapter reads. */
interface NominatimPlace {
  lat?: unknown;
  lon?: unknown;
  display_name?: unknown;
}

/**
 * Nominatim's search API (https://nominatim.org/release-docs/latest/api/Search/), bounded to
 * the tenant's box (`viewbox` + `bounded=1`) and to Indonesia. Public Nominatim allows one
 * request a second and asks for an identifying User-Agent: run your own instance for a 112 centre.
 *
 * @example
 * const provider = nominatim('https://nominatim.example.go.id');
 * await provider.search('Jl. Raya Candi', { limit: 5, bbox, signal: AbortSignal.timeout(1500) });
 */
export function nominatim(baseUrl: string, fetchImpl: typeof fetch = fetch): GeocoderProvider {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    name: 'nominatim',
    async search(query, { limit, bbox, signal }) {
      const params = new URLSearchParams({
        q: query,
        format: 'jsonv2',
        limit: String(limit),
        countrycodes: 'id',
        viewbox: `${bbox.minLon},${bbox.maxLat},${bbox.maxLon},${bbox.minLat}`,
        bounded: '1',
        'accept-language': 'id',
      });
      const response = await fetchImpl(`${root}/search?${params}`, {
        signal,
        headers: { accept: 'application/json', 'user-agent': 'sigap-112 geocoding' },
      });
      if (!response.ok) throw new Error(`Nominatim answered ${response.status}`);
      const body = (await response.json()) as unknown;
      if (!Array.isArray(body)) throw new Error('Nominatim answered something other than a list');
      return parse(body as NominatimPlace[], bbox);
    },
  };
}

function parse(places: NominatimPlace[], bbox: Bbox): ExternalResult[] {
  const results: ExternalResult[] = [];
  for (const place of places) {
    const lon = toNumber(place.lon);
    const lat = toNumber(place.lat);
    if (lon === null || lat === null || typeof place.display_name !== 'string') continue;
    // `bounded=1` should already do this; checked again so a misconfigured server cannot leak
    // results from another regency into a call taker's list.
    if (!insideBbox({ lon, lat }, bbox)) continue;
    results.push({ lon, lat, label: place.display_name.slice(0, 300) });
  }
  return results;
}
