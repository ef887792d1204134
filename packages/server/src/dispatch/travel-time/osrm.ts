import type { LonLat, TravelOrigin, TravelTimeProvider } from './types.js';

interface OsrmTable {
  code: string;
  durations?: (number | null)[][];
}

/**
 * OSRM's `table` service: one request for all candidate units to the incident. Units that
 * OSRM cannot route (off the road graph) come back as null, and the caller keeps their
 * straight-line estimate.
 */
export function osrmTable(
  baseUrl: string,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): TravelTimeProvider {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    name: 'osrm',
    async durations(origins: readonly TravelOrigin[], destination: LonLat, signal?: AbortSignal) {
      if (origins.length === 0) return [];
      const coordinates = [...origins, destination]
        .map((p) => `${p.lon.toFixed(6)},${p.lat.toFixed(6)}`)
        .join(';');
      const sources = origins.map((_, i) => i).join(';');
      const url = `${root}/table/v1/driving/${coordinates}?sources=${sources}&destinations=${origins.length}`;
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetchImpl(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (!response.ok) throw new Error(`OSRM answered ${response.status}`);
      const body = (await response.json()) as OsrmTable;
      if (body.code !== 'Ok' || !body.durations) throw new Error(`OSRM answered ${body.code}`);
      return origins.map((_, i) => {
        const seconds = body.durations?.[i]?.[0];
        // Non-finite and negative values are passed on as they came: validated.ts rejects
        // them with a log line (rounding must not hide them).
        return typeof seconds === 'number'
          ? Number.isFinite(seconds)
            ? Math.round(seconds)
            : seconds
          : null;
      });
    },
  };
}
