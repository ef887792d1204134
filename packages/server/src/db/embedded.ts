import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { postgis } from '@electric-sql/pglite-postgis';
import { probeCapabilities } from './capabilities.js';
import {
  type Capabilities,
  DatabaseUnavailableError,
  type Db,
  type Queryable,
  type QueryResult,
} from './types.js';

/**
 * Type parsers shared with the `pg` backend so both return the same JavaScript values:
 * int8 (counts, sequence numbers) as numbers — they stay far below 2^53 — and numeric as numbers.
 */
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

/**
 * PGlite (PostgreSQL compiled to WebAssembly) with PostGIS, pg_trgm, unaccent and fuzzystrmatch, keeping its
 * files in `dataDir` so a restart keeps everything. One connection: PGlite serialises queries
 * and transactions itself, which is why this backend is single-instance.
 */
export async function openEmbeddedDb(dataDir: string): Promise<Db> {
  await mkdir(dataDir, { recursive: true });
  const releaseLock = await lockDataDir(dataDir);
  try {
    const pg = await PGlite.create(dataDir, {
      extensions: { postgis, pg_trgm, unaccent, fuzzystrmatch },
      parsers,
    });
    return new EmbeddedDb(pg, releaseLock);
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

/**
 * Two processes writing one PGlite directory would corrupt it, and PGlite does not guard
 * against that itself: a `<dir>.lock` file holding the owner's pid does. A lock left by a
 * process that no longer exists (a crash, SIGKILL) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${dataDir.replace(/[/\\]+$/, '')}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(lockPath).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseUnavailableError(
          `the embedded database in ${dataDir} is in use by process ${owner}; stop it or set SIGAP_DATA_DIR`,
          { variable: 'SIGAP_DATA_DIR' },
        );
      }
      await unlink(lockPath).catch(() => {});
    }
  }
  throw new DatabaseUnavailableError(`cannot lock the embedded database in ${dataDir}`, {
    variable: 'SIGAP_DATA_DIR',
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class EmbeddedDb implements Db {
  readonly backend = 'embedded' as const;

  constructor(
    private readonly pg: PGlite,
    private readonly releaseLock: () => Promise<void>,
  ) {}

  async query<R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.pg.query<R>(text, values as unknown[] | undefined);
    return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) => {
      const scoped: Queryable = {
        query: async <R>(text: string, values?: readonly unknown[]) => {
          const result = await tx.query<R>(text, values as unknown[] | undefined);
          return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
        },
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      };
      return fn(scoped);
    });
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unsubscribe = await this.pg.listen(channel, onNotify);
    return async () => {
      await unsubscribe();
    };
  }

  detectCapabilities(): Promise<Capabilities> {
    return probeCapabilities(this, false);
  }

  async close(): Promise<void> {
    if (this.pg.closed) return;
    await this.pg.close();
    await this.releaseLock();
  }
}
