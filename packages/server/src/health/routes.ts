import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse, ReadyResponse } from '@sigap/contract';
import { migrationStatus } from '../db/migrate.js';

/** How long `/readyz` waits for the database before reporting it down. */
const READY_TIMEOUT_MS = 1000;

/**
 * `/healthz`: the process is up (for restarts). `/readyz`: the database answers and every
 * migration is applied (for load balancers: send traffic here or not).
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const startedAt = Date.now();

  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'Process is up', response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Database reachable and migrated',
        response: { 200: ReadyResponse, 503: ReadyResponse },
      },
    },
    async (_request, reply) => {
      const backend = app.db.backend;
      try {
        const status = await withTimeout(migrationStatus(app.db), READY_TIMEOUT_MS);
        const migrations = { applied: status.applied.length, pending: status.pending.length };
        if (status.pending.length > 0) {
          return reply.status(503).send({
            status: 'not_ready' as const,
            backend,
            database: 'up' as const,
            migrations,
            reason: `pending migrations: ${status.pending.join(', ')}`,
          });
        }
        return { status: 'ready' as const, backend, database: 'up' as const, migrations };
      } catch (error) {
        reply.header('retry-after', '5');
        return reply.status(503).send({
          status: 'not_ready' as const,
          backend,
          database: 'down' as const,
          migrations: { applied: 0, pending: 0 },
          reason:
            error instanceof TimeoutError ? 'database did not answer within 1 s' : 'database unreachable',
        });
      }
    },
  );
};

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
