import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Tenant administration: agencies, units, categories, targets, API keys. Being written. */
export const tenantAdminRoutes: FastifyPluginAsyncTypebox = async () => {};
