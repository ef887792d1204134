import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openEmbeddedDb } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { openPostgresDb } from '../src/db/postgres.js';
import {
  migrationsFingerprint,
  POSTGRES_TEMPLATE_PREFIX,
  TEMPLATE_CACHE_DIR,
  type TestBackend,
} from './helpers/template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testBackend: TestBackend;
  }
}

/**
 * Runs once per `vitest run`: prepares one migrated template database, which every test
 * file then copies (PGlite: the data directory; PostgreSQL: CREATE DATABASE ... TEMPLATE).
 * Creating PostGIS costs seconds, so no test file ever runs the migrations from scratch.
 */
export default async function setup(project: TestProject): Promise<void | (() => Promise<void>)> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `${POSTGRES_TEMPLATE_PREFIX}${process.pid}_template`;
    await preparePostgresTemplate(url, template);
    project.provide('testBackend', { kind: 'postgres', adminUrl: url, template });
    console.log(`[sigap tests] backend: PostgreSQL (${new URL(url).host}), template ${template}`);
    return async () => {
      // Each test file dropped its own database; the template goes with the run.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin
        .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)} WITH (FORCE)`)
        .finally(() => admin.end());
    };
  } else {
    const templateDir = await prepareEmbeddedTemplate();
    project.provide('testBackend', { kind: 'embedded', templateDir });
    console.log(`[sigap tests] backend: embedded PGlite, template ${templateDir}`);
  }
}

async function prepareEmbeddedTemplate(): Promise<string> {
  const templateDir = join(TEMPLATE_CACHE_DIR, `pglite-${migrationsFingerprint()}`);
  if (existsSync(templateDir)) return templateDir;
  await mkdir(TEMPLATE_CACHE_DIR, { recursive: true });
  // Build beside the final path and rename, so an interrupted run never leaves half a template.
  const building = `${templateDir}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const db = await openEmbeddedDb(building);
  await migrate(db);
  await db.close();
  try {
    await rename(building, templateDir);
  } catch (error) {
    // Another run (a second terminal) built the same template first: use theirs.
    if (!existsSync(templateDir)) throw error;
    await rm(building, { recursive: true, force: true });
  }
  return templateDir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function preparePostgresTemplate(url: string, template: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Leftovers of earlier interrupted runs: databases sigap_test_<pid>_* whose run is gone.
    // Databases of runs still alive (another terminal, another agent) are left alone.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^sigap_test_[0-9]+_'`,
    );
    for (const { datname } of rows) {
      const pid = Number(datname.split('_')[2]);
      if (pid !== process.pid && isAlive(pid)) continue;
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  const db = await openPostgresDb({ url: templateUrl.toString(), poolMax: 2, connectTimeoutMs: 5000 });
  await migrate(db);
  await db.close();
}
