import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorResponse,
  GeocodeQuery,
  GeocodeResponse,
  ReverseGeocodeQuery,
  ReverseGeocodeResponse,
} from '@sigap/contract';
import { principalOf } from '../auth/plugin.js';
import { tenantRead } from '../plugins/idempotency.js';
import { GEOCODER_DEFAULTS, type GeocoderConfig } from './config.js';
import { type ExternalGeocoder, externalGeocoder, providerFor } from './providers/index.js';
import { forwardGeocode, reverseGeocode } from './service.js';

/**
 * Everyone who handles a report's location: call takers and dispatchers type addresses,
 * agencies read where their incidents are, the wall-board (viewer) may search its map, and
 * integrated apps geocode before they submit. Not `admin`: that key configures the tenant and
 * should not be in daily operational use (its imports print their own results).
 */
const GEOCODERS = ['call_taker', 'dispatcher', 'agency', 'viewer', 'integrator'] as const;

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

export interface GeocodingRoutesOptions {
  /** The external geocoder's settings; default `app.config.geocoder`, else none. */
  geocoder?: GeocoderConfig;
  /** The HTTP client for the external geocoder (tests pass one; default global fetch). */
  fetch?: typeof fetch;
}

/** Geocoding: GET /v1/geocode (address → candidates) and /v1/geocode/reverse (point → areas). */
export const geocodingRoutes: FastifyPluginAsyncTypebox<GeocodingRoutesOptions> = async (app, opts) => {
  const config = opts.geocoder ?? app.config.geocoder ?? GEOCODER_DEFAULTS;
  const external: ExternalGeocoder = externalGeocoder(providerFor(config, opts.fetch), config);

  app.get(
    '/geocode',
    {
      config: { roles: GEOCODERS },
      schema: {
        tags: ['geocoding'],
        summary: 'Find an address as said',
        description:
          "Ranks the tenant's kecamatan and desa names and its imported places (landmarks, markets, " +
          'housing estates, streets) against the address, tolerating abbreviations (Jl., Ds., Kec., ' +
          'Perum), typos, split or joined words and location words (depan, dekat...). When an external ' +
          'geocoder is configured its results, bounded to the tenant, are merged in; if it fails or is ' +
          'slow the gazetteer answers alone (`external` says which).',
        querystring: GeocodeQuery,
        response: { 200: GeocodeResponse, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { externalError, ...result } = await forwardGeocode(
        app.db,
        principal.tenantId,
        request.query.q,
        request.query.limit ?? 5,
        external,
      );
      if (externalError) request.log.warn({ geocoder: external.name, err: externalError }, 'geocoder failed');
      return result;
    },
  );

  app.get(
    '/geocode/reverse',
    {
      config: { roles: GEOCODERS },
      schema: {
        tags: ['geocoding'],
        summary: 'Areas at a point',
        description:
          'The desa, kecamatan and kabupaten containing the point (boundaries through the spatial ' +
          'index). A desa without an imported boundary is the nearest desa point of the same ' +
          'kecamatan within about 2 km, marked `approximate`.',
        querystring: ReverseGeocodeQuery,
        response: { 200: ReverseGeocodeResponse, ...errors },
      },
    },
    (request) =>
      tenantRead(request, (tx, principal) =>
        reverseGeocode(tx, principal.tenantId, request.query.lon, request.query.lat),
      ),
  );
};
