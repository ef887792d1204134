import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/index.js';

/** The real application on a test database, without listening; use `app.inject()`. */
export async function buildTestApp(db: Db): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db, capabilities: await db.detectCapabilities(), logger: false });
  await app.ready();
  return app;
}
