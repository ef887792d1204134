import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Umzug } from 'umzug';
import { migrationsDir } from '../paths.js';
import type { Db, Queryable } from './types.js';

/**
 * Versioned SQL migrations (`migrations/NNNN_name.sql`), run by umzug on either backend.
 *
 * Each migration runs in its own transaction together with the row that records it, so a
 * migration is either applied and recorded or neither. Several server instances may start at
 * once: a transaction-scoped advisory lock serialises them, and a migration recorded by another
 * instance while this one waited is skipped — running `migrate` twice, or concurrently, is safe.
 */
const MIGRATION_LOCK = 3112_0001;
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

async function listMigrationFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
}

async function ensureMigrationsTable(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS sigap_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
}

async function appliedNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM sigap_migrations ORDER BY name');
  return rows.map((r) => r.name);
}

function buildUmzug(db: Db, files: string[], dir: string, appliedHere: string[]) {
  return new Umzug({
    migrations: files.map((name) => ({
      name,
      up: async () => {
        const sql = await readFile(join(dir, name), 'utf8');
        const ran = await db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          const done = await tx.query('SELECT 1 FROM sigap_migrations WHERE name = $1', [name]);
          if (done.rowCount > 0) return false; // applied by another instance while we waited for the lock
          await tx.exec(sql);
          await tx.query('INSERT INTO sigap_migrations (name) VALUES ($1)', [name]);
          return true;
        });
        if (ran) appliedHere.push(name);
      },
    })),
    // The record is written inside the migration's own transaction (above), so logging is a no-op.
    storage: {
      executed: () => appliedNames(db),
      logMigration: async () => {},
      unlogMigration: async () => {
        throw new Error('Sigap migrations are forward-only');
      },
    },
    logger: undefined,
  });
}

/** Applies every pending migration in order; returns the names applied by this call. */
export async function migrate(db: Db, dir: string = migrationsDir): Promise<string[]> {
  await ensureMigrationsTable(db);
  const appliedHere: string[] = [];
  await buildUmzug(db, await listMigrationFiles(dir), dir, appliedHere).up();
  return appliedHere;
}

/** Which migrations are applied and which are pending, without changing anything. */
export async function migrationStatus(db: Queryable, dir: string = migrationsDir): Promise<MigrationStatus> {
  const files = await listMigrationFiles(dir);
  const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass('sigap_migrations') IS NOT NULL AS ok`);
  const applied = exists.rows[0]?.ok ? await appliedNames(db) : [];
  const done = new Set(applied);
  return { applied, pending: files.filter((f) => !done.has(f)) };
}
