import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Monitoring and evaluation reports (GET /v1/reports/...). Being written. */
export const reportRoutes: FastifyPluginAsyncTypebox = async () => {};
