import { defineConfig } from 'vitest/config';

/**
 * One `pnpm test` runs every package's tests. Each package is a vitest project so it can
 * have its own setup (the server's tests need a migrated database template; the SDK's do not).
 *
 * CI machines have 2 cores: two workers at most, and each server test file opens its own
 * database (a PGlite copy or a PostgreSQL database cloned from a template).
 */
export default defineConfig({
  test: {
    maxWorkers: 2,
    // Node 20 has the WHATWG WebSocket only behind this flag; msw's `ws` API and the SDK need it.
    execArgv: ['--experimental-websocket'],
    // Generous: a deadline only catches a hang. Tests wait for conditions, never for a time, so
    // a busy 2-core machine (CI beside other work) slows them down without failing them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          root: './packages/server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['./test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'sdk', root: './packages/sdk', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: './test',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          // Cross-package tests start real servers on real databases, like the server's own tests.
          globalSetup: ['../packages/server/test/global-setup.ts'],
        },
      },
    ],
  },
});
