import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const incidentRoutes: FastifyPluginAsyncTypebox = async () => {};
