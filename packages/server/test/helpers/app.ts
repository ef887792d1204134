import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/index.js';

/**
 * The real application on a test database, without listening (use `app.inject()`), or
 * listening on a free port with `listen: true`. `env` overrides configuration variables.
 */
export async function buildTestApp(db: Db, env: Record<string, string> = {}): Promise<FastifyInstance> {
  // Tests send thousands of requests with one key, and the embedded database blocks the event
  // loop while it works (WebAssembly): rate limits and load shedding are tested on their own.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_HEAP_MB: '65536',
    ...env,
  });
  const app = await buildApp({ config, db, capabilities: await db.detectCapabilities(), logger: false });
  await app.ready();
  return app;
}

/** Starts `app` on 127.0.0.1 and returns its base URL (http://127.0.0.1:port). */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return `http://127.0.0.1:${address.port}`;
}
