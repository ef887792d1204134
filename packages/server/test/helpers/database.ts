import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openEmbeddedDb } from '../../src/db/embedded.js';
import type { Db } from '../../src/db/index.js';
import { openPostgresDb } from '../../src/db/postgres.js';

export interface TestDatabase {
  db: Db;
  backend: 'embedded' | 'postgres';
  /** For the postgres backend: a URL of this test's own database (e.g. to start a second instance). */
  url?: string;
  /** For the embedded backend: this test's own data directory. */
  dataDir?: string;
  /** Closes the connection and deletes the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated, empty database for one test file, on the backend this run uses.
 *
 * @example
 * let t: TestDatabase;
 * beforeAll(async () => { t = await createTestDatabase(); });
 * afterAll(() => t.destroy());
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const backend = inject('testBackend');
  if (backend.kind === 'embedded') {
    const parent = await mkdtemp(join(tmpdir(), 'sigap-test-'));
    const dataDir = join(parent, 'data');
    await cp(backend.templateDir, dataDir, { recursive: true });
    const db = await openEmbeddedDb(dataDir);
    return {
      db,
      backend: 'embedded',
      dataDir,
      destroy: async () => {
        await db.close();
        await rm(parent, { recursive: true, force: true });
      },
    };
  }

  // The template is sigap_test_<pid>_template: test databases share its run's pid prefix.
  const name = `${backend.template.replace(/template$/, '')}${randomBytes(6).toString('hex')}`;
  await adminQuery(
    backend.adminUrl,
    `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(backend.template)}`,
  );
  const url = new URL(backend.adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgresDb({ url: url.toString(), poolMax: 5, connectTimeoutMs: 5000 });
  return {
    db,
    backend: 'postgres',
    url: url.toString(),
    destroy: async () => {
      await db.close();
      await adminQuery(backend.adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        // 55006: the template is briefly "being accessed" by a concurrent CREATE DATABASE.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await client.end();
  }
}
