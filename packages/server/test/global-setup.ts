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
  POSTGRES_TEMPLATE,
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
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    await preparePostgresTemplate(url);
    project.provide('testBackend', { kind: 'postgres', adminUrl: url, template: POSTGRES_TEMPLATE });
    console.log(`[sigap tests] backend: PostgreSQL (${new URL(url).host}), template ${POSTGRES_TEMPLATE}`);
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
  await rename(building, templateDir);
  return templateDir;
}

async function preparePostgresTemplate(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Leftovers of an earlier interrupted run: databases named sigap_test_*.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'sigap\\_test\\_%'`,
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(POSTGRES_TEMPLATE)}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${POSTGRES_TEMPLATE}`;
  const db = await openPostgresDb({ url: templateUrl.toString(), poolMax: 2, connectTimeoutMs: 5000 });
  await migrate(db);
  await db.close();
}
