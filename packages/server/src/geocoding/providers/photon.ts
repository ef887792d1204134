import { type Bbox, type ExternalResult, type GeocoderProvider, insideBbox, toNumber } from './types.js';

interface PhotonFeature {
  geometry?: { type?: unknown; coordinates?: unknown };
  properties?: Record<string, unknown>;
}

/**
 * Photon's search API (https://github.com/komoot/photon), restricted to the tenant's box with
 * `bbox`. Photon returns GeoJSON features; the label is built from their address parts.
 *
 * @example
 * const provider = photon('https://photon.example.go.id');
 * await provider.search('Pasar Larangan', { limit: 5, bbox, signal: AbortSignal.timeout(1500) });
 */
export function photon(baseUrl: string, fetchImpl: typeof fetch = fetch): GeocoderProvider {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    name: 'photon',
    async search(query, { limit, bbox, signal }) {
      const params = new URLSearchParams({
        q: query,
        limit: String(limit),
        bbox: `${bbox.minLon},${bbox.minLat},${bbox.maxLon},${bbox.maxLat}`,
      });
      const response = await fetchImpl(`${root}/api?${params}`, {
        signal,
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`Photon answered ${response.status}`);
      const body = (await response.json()) as { features?: unknown };
      if (!body || !Array.isArray(body.features)) throw new Error('Photon answered without features');
      return parse(body.features as PhotonFeature[], bbox);
    },
  };
}

const LABEL_PARTS = ['name', 'street', 'district', 'city', 'county'] as const;

function parse(features: PhotonFeature[], bbox: Bbox): ExternalResult[] {
  const results: ExternalResult[] = [];
  for (const feature of features) {
    const coordinates = feature.geometry?.coordinates;
    if (feature.geometry?.type !== 'Point' || !Array.isArray(coordinates)) continue;
    const lon = toNumber(coordinates[0]);
    const lat = toNumber(coordinates[1]);
    if (lon === null || lat === null || !insideBbox({ lon, lat }, bbox)) continue;
    const p = feature.properties ?? {};
    const parts: string[] = [];
    for (const key of LABEL_PARTS) {
      let value = p[key];
      if (key === 'street' && typeof value === 'string' && typeof p.housenumber === 'string')
        value = `${value} ${p.housenumber}`;
      if (typeof value === 'string' && value && !parts.includes(value)) parts.push(value);
    }
    if (parts.length === 0) continue;
    results.push({ lon, lat, label: parts.join(', ').slice(0, 300) });
  }
  return results;
}
