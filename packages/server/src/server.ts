import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/index.js';
import { migrate } from './db/migrate.js';
import { startBreachMonitor } from './incidents/sla.js';
import { ensureDemoTenant } from './tenants/demo.js';
import type { CreatedKey } from './tenants/provision.js';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  /** API keys created by this start (the demo tenant's, on its first start); shown once. */
  newKeys: CreatedKey[];
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, optionally loads the demo tenant, and listens.
 * Errors before listening (unreachable database, port taken) reject; the CLI prints them.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const newKeys = config.demo ? (await ensureDemoTenant(db)).keys : [];
    const capabilities = await db.detectCapabilities();
    const app = await buildApp({ config, db, capabilities });
    const stopMonitor =
      config.slaCheckIntervalMs > 0
        ? startBreachMonitor(db, config.slaCheckIntervalMs, app.log)
        : async () => {};
    app.addHook('onClose', async () => {
      await stopMonitor();
      await db.close();
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return { app, db, url: `http://${host}:${port}`, newKeys, close: () => app.close() };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let in-flight requests
 * finish (Fastify's close waits for them), close the database; force exit after the timeout.
 */
export function closeOnSignals(server: RunningServer, timeoutMs: number): void {
  closeWithGrace({ delay: timeoutMs }, async ({ signal, err }) => {
    if (err) server.app.log.error({ err }, 'shutting down after an uncaught error');
    else server.app.log.info({ signal }, 'shutting down');
    await server.close();
  });
}
