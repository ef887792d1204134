import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Units in the field: list, position and status reports. Being written. */
export const unitRoutes: FastifyPluginAsyncTypebox = async () => {};
