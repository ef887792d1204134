import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const dispatchRoutes: FastifyPluginAsyncTypebox = async () => {};
