import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Geocoding: GET /v1/geocode and /v1/geocode/reverse. Being written. */
export const geocodingRoutes: FastifyPluginAsyncTypebox = async () => {};
