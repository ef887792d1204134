import type { FastifyPluginAsync } from 'fastify';

/** The control-room wall-board's static files at /board. Being written. */
export const boardRoutes: FastifyPluginAsync = async () => {};
