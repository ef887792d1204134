/**
 * A real Sigap server for cross-package tests: the server's own test helpers (a migrated test
 * database per file, the demo tenant with a key per role), listening on 127.0.0.1.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildTestApp, listen } from '../../packages/server/test/helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../packages/server/test/helpers/database.js';
import { type SeededTenant, seedDemoTenant } from '../../packages/server/test/helpers/tenant.js';

export { bearer } from '../../packages/server/test/helpers/tenant.js';

export interface RunningServer {
  url: string;
  app: Awaited<ReturnType<typeof buildTestApp>>;
  demo: SeededTenant;
  db: TestDatabase;
  /** Cuts every live WebSocket at the TCP level, as a proxy restart or a lost network would. */
  dropLiveSockets(): number;
  stop(): Promise<void>;
}

/** Frequent keepalives and polls so live tests do not wait 30 s for a heartbeat. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const db = await createTestDatabase();
  const demo = await seedDemoTenant(db.db);
  const app = await buildTestApp(db.db, { LIVE_HEARTBEAT_MS: '1000', LIVE_POLL_MS: '200', ...env });
  const url = await listen(app);
  // The WebSocket server lives inside the encapsulated /v1 plugin; the raw upgraded sockets
  // are reachable from the HTTP server.
  const sockets = new Set<Duplex>();
  app.server.on('upgrade', (_request, socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    url,
    app,
    demo,
    db,
    dropLiveSockets: () => {
      const n = sockets.size;
      for (const socket of sockets) socket.destroy();
      return n;
    },
    stop: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

export const SDK_ROOT = fileURLToPath(new URL('../../packages/sdk/', import.meta.url));
export const SDK_DIST = join(SDK_ROOT, 'dist');

/**
 * These tests use the BUILT SDK (what apps install). Fail clearly when it is missing or older
 * than its source, instead of testing yesterday's code.
 */
export function assertSdkBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  let built = 0;
  try {
    built = statSync(join(SDK_DIST, 'contract.d.ts')).mtimeMs;
  } catch {
    // not built
  }
  if (built < newest(join(SDK_ROOT, 'src'))) {
    throw new Error(
      'packages/sdk/dist is missing or older than src/: run `pnpm --filter @sigap/sdk build` (root `pnpm test` builds first).',
    );
  }
}

/** In Kecamatan Sidoarjo, inside the demo tenant. */
export const SIDOARJO_TOWN = { lon: 112.7205, lat: -7.4478 };
