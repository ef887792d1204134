import type { GeocoderConfig } from '../config.js';
import { TtlLruCache } from './cache.js';
import { nominatim } from './nominatim.js';
import { photon } from './photon.js';
import type { Bbox, ExternalResult, GeocoderProvider } from './types.js';

export type { Bbox, ExternalResult, GeocoderProvider } from './types.js';

export type ExternalStatus = 'off' | 'ok' | 'cached' | 'failed' | 'timeout';

export interface ExternalAnswer {
  status: ExternalStatus;
  results: ExternalResult[];
  /** Why it failed, for the log (never sent to clients). */
  error?: string;
}

/**
 * The configured external geocoder with what every use of it needs: a timeout (an emergency
 * call must not wait on a third-party server), an LRU/TTL cache (call takers retype the same
 * streets all day), and no exceptions — a failure is a status, and the gazetteer answers alone.
 */
export interface ExternalGeocoder {
  readonly name: GeocoderProvider['name'] | 'none';
  search(tenantId: string, query: string, limit: number, bbox: Bbox): Promise<ExternalAnswer>;
}

export const NO_EXTERNAL_GEOCODER: ExternalGeocoder = {
  name: 'none',
  search: async () => ({ status: 'off', results: [] }),
};

export function providerFor(
  config: GeocoderConfig,
  fetchImpl: typeof fetch = fetch,
): GeocoderProvider | null {
  if (config.provider === 'none' || !config.url) return null;
  return config.provider === 'nominatim' ? nominatim(config.url, fetchImpl) : photon(config.url, fetchImpl);
}

/**
 * @example
 * const external = externalGeocoder(provider, { timeoutMs: 1500, cacheTtlMs: 600_000, cacheMaxEntries: 1000 });
 * const { status, results } = await external.search('35.15', 'jalan raya candi', 5, bbox);
 */
export function externalGeocoder(
  provider: GeocoderProvider | null,
  options: Pick<GeocoderConfig, 'timeoutMs' | 'cacheTtlMs' | 'cacheMaxEntries'>,
): ExternalGeocoder {
  if (!provider) return NO_EXTERNAL_GEOCODER;
  const cache = new TtlLruCache<ExternalResult[]>(options.cacheMaxEntries, options.cacheTtlMs);
  return {
    name: provider.name,
    async search(tenantId, query, limit, bbox) {
      // The tenant is part of the key: the same words mean different places in two regencies.
      const key = JSON.stringify([tenantId, query, limit]);
      const cached = cache.get(key);
      if (cached) return { status: 'cached', results: cached };
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        const results = (await provider.search(query, { limit, bbox, signal })).slice(0, limit);
        cache.set(key, results);
        return { status: 'ok', results };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { status: signal.aborted ? 'timeout' : 'failed', results: [], error: message };
      }
    },
  };
}
