import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir, packageRoot } from '../../src/paths.js';

/**
 * Where test databases come from. With `TEST_DATABASE_URL` the suites run on real
 * PostgreSQL/PostGIS; without it on embedded PGlite, so `pnpm test` passes on a machine
 * with only Node.js.
 */
export type TestBackend =
  | { kind: 'embedded'; templateDir: string }
  | { kind: 'postgres'; adminUrl: string; template: string };

/** A fingerprint of the migrations: a cached PGlite template is reused only while they are unchanged. */
export function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsDir).sort()) {
    hash.update(file);
    hash.update(readFileSync(join(migrationsDir, file)));
  }
  const pglite = JSON.parse(
    readFileSync(join(packageRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as { version: string };
  hash.update(pglite.version);
  return hash.digest('hex').slice(0, 16);
}

export const TEMPLATE_CACHE_DIR = join(packageRoot, 'node_modules/.cache/sigap-test');
/** Test databases are named sigap_test_<pid of the vitest run>_<...>, so runs can tell theirs apart. */
export const POSTGRES_TEMPLATE_PREFIX = 'sigap_test_';
