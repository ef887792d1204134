import Fastify from 'fastify';
import { serveWorker } from '../lib/worker-child.js';

/**
 * The HTTP baseline: Fastify with no plugins and one route answering what Sigap's /healthz
 * answers, so the difference is Sigap's hooks and plugins (helmet, CORS, rate limit, request
 * ids, load shedding), not the payload.
 */
const app = Fastify({ logger: false });
const startedAt = Date.now();
app.get('/healthz', async () => ({
  status: 'ok',
  uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
}));

serveWorker({
  start: async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  },
});
