/**
 * Configuration of the external geocoder. The server's config.ts is the one place that reads
 * the environment; it calls `parseGeocoderConfig(env, fail)` and keeps the result as
 * `config.geocoder`. The routes plugin also takes it as an option (tests, embedding).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | GEOCODER | none | `nominatim`, `photon` or `none` (gazetteer and imported places only) |
 * | GEOCODER_URL | — | base URL of the geocoder; required unless GEOCODER=none |
 * | GEOCODER_TIMEOUT_MS | 1500 | after this the answer comes from the gazetteer alone |
 */
export interface GeocoderConfig {
  readonly provider: 'nominatim' | 'photon' | 'none';
  readonly url: string | null;
  readonly timeoutMs: number;
  /** Results are cached per tenant and query for this long, in memory. */
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
}

export const GEOCODER_DEFAULTS: GeocoderConfig = Object.freeze({
  provider: 'none',
  url: null,
  timeoutMs: 1500,
  cacheTtlMs: 10 * 60_000,
  cacheMaxEntries: 1000,
});

/** How a bad variable is reported: config.ts passes one that throws its ConfigError. */
export type ConfigFailure = (variable: string, reason: string) => never;

const defaultFail: ConfigFailure = (variable, reason) => {
  throw new Error(`${variable}: ${reason}`);
};

/**
 * @example
 * parseGeocoderConfig({ GEOCODER: 'photon', GEOCODER_URL: 'http://127.0.0.1:2322' })
 * // → { provider: 'photon', url: 'http://127.0.0.1:2322', timeoutMs: 1500, ... }
 */
export function parseGeocoderConfig(
  env: Readonly<Record<string, string | undefined>>,
  fail: ConfigFailure = defaultFail,
): GeocoderConfig {
  const provider = (env.GEOCODER || 'none').toLowerCase();
  if (provider !== 'nominatim' && provider !== 'photon' && provider !== 'none') {
    fail('GEOCODER', `must be nominatim, photon or none, got "${env.GEOCODER}"`);
  }
  let timeoutMs = GEOCODER_DEFAULTS.timeoutMs;
  if (env.GEOCODER_TIMEOUT_MS) {
    timeoutMs = Number(env.GEOCODER_TIMEOUT_MS);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 30_000) {
      fail('GEOCODER_TIMEOUT_MS', `must be an integer from 50 to 30000, got "${env.GEOCODER_TIMEOUT_MS}"`);
    }
  }
  if (provider === 'none') return { ...GEOCODER_DEFAULTS, timeoutMs };
  const url = env.GEOCODER_URL;
  if (!url) fail('GEOCODER_URL', `is required when GEOCODER=${provider}`);
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {}
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    fail('GEOCODER_URL', `must be an http(s) URL, got "${url}"`);
  }
  return Object.freeze({ ...GEOCODER_DEFAULTS, provider, url, timeoutMs });
}
