import pg from 'pg';
import {
  createApiKey,
  type Db,
  DEMO_TENANT_ID,
  ensureDemoTenant,
  migrate,
  openDatabase,
} from './server-internals.js';

/** The PostgreSQL server the bench may create databases on (trust auth on 127.0.0.1 here and in CI). */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  url = ADMIN_URL,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** PostgreSQL with PostGIS reachable? Without it the postgres rows say "not available". */
export async function postgresProblem(): Promise<string | null> {
  try {
    const rows = await adminQuery<{ v: string }>(
      "SELECT default_version AS v FROM pg_available_extensions WHERE name = 'postgis'",
    );
    return rows.length ? null : 'PostGIS is not installed';
  } catch (error) {
    return `PostgreSQL unreachable at ${new URL(ADMIN_URL).host}: ${(error as Error).message}`;
  }
}

export async function createDatabase(name: string): Promise<void> {
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

export function openPostgres(url: string): Promise<Db> {
  return openDatabase({ backend: 'postgres', url, poolMax: 4, connectTimeoutMs: 5000 });
}

export function openEmbedded(dataDir: string): Promise<Db> {
  return openDatabase({ backend: 'embedded', dataDir });
}

export interface DemoKeys {
  admin: string;
  dispatcher: string;
  callTaker: string;
  viewer: string;
}

/**
 * Migrates and loads the demo tenant (Kabupaten Sidoarjo) as `serve --demo` would on its
 * first start, keeping the API keys it creates (only their hashes are stored).
 */
export async function seedDemo(db: Db): Promise<DemoKeys> {
  await migrate(db);
  const { keys } = await ensureDemoTenant(db);
  const secret = (name: string) => {
    const key = keys.find((k) => k.name === name);
    if (!key) throw new Error(`the demo tenant already existed: no key "${name}"`);
    return key.secret;
  };
  return {
    admin: secret('Demo admin'),
    dispatcher: secret('Demo dispatcher'),
    callTaker: secret('Demo call taker'),
    viewer: secret('Demo wall-board'),
  };
}

export async function createKey(db: Db, tenantId: string, role: 'admin' | 'call_taker'): Promise<string> {
  return db.transaction(
    async (tx) => (await createApiKey(tx, tenantId, { name: `Bench ${role}`, role })).secret,
  );
}

export { DEMO_TENANT_ID };
