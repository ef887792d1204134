import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Calls: every contact with the 112 line (POST /v1/calls and friends). Being written. */
export const callRoutes: FastifyPluginAsyncTypebox = async () => {};
