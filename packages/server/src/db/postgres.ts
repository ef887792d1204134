import pg from 'pg';
import { redactDatabaseUrl } from '../config.js';
import { probeCapabilities } from './capabilities.js';
import {
  type Capabilities,
  DatabaseUnavailableError,
  type Db,
  type Queryable,
  type QueryResult,
} from './types.js';

// Same JavaScript values as the embedded backend: int8 and numeric as numbers (see embedded.ts).
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PostgresOptions {
  url: string;
  poolMax: number;
  /** How long start-up waits for the first connection. */
  connectTimeoutMs: number;
  /**
   * How long a request waits for a pooled connection. Short on purpose: while the database is
   * down, requests fail fast with 503 + Retry-After instead of hanging.
   */
  acquireTimeoutMs?: number;
}

/**
 * PostgreSQL + PostGIS through a `pg` pool. Opening checks the connection once so that an
 * unreachable database stops start-up with one clear line instead of failing on the first request.
 */
export async function openPostgresDb(options: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 1000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
    application_name: 'sigap-112',
  });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on('error', () => {});
  try {
    const probe = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
    });
    await probe.connect();
    await probe.end();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(
      `cannot connect to ${redactDatabaseUrl(options.url)}: ${describeConnectError(error)}`,
      { cause: error },
    );
  }
  return new PostgresDb(pool, options);
}

function describeConnectError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return describeConnectError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message || String(code);
  }
  return String(error);
}

class PostgresDb implements Db {
  readonly backend = 'postgres' as const;
  private listener: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresOptions,
  ) {}

  async query<R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.pool.query(text, values as unknown[] | undefined);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  }

  async exec(sql: string): Promise<void> {
    // Without parameters pg uses the simple query protocol, which accepts several statements.
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client whose connection dies (PostgreSQL restarting: 57P01) emits 'error';
    // without a listener that is an uncaught exception that takes the whole server down.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const scoped: Queryable = {
        query: async <R>(text: string, values?: readonly unknown[]) => {
          const result = await client.query(text, values as unknown[] | undefined);
          return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
        },
        exec: async (sql: string) => {
          await client.query(sql);
        },
      };
      const result = await fn(scoped);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: do not return it to the pool
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * LISTEN needs one connection that stays open; all channels share it. If it drops, it is
   * reopened and every channel listened to again — callers heal any notification lost in
   * between by reading from their last known position (notifications are signals, not data).
   */
  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const client = await this.listenerClient();
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    }
    set.add(onNotify);
    return async () => {
      const current = this.handlers.get(channel);
      if (!current) return;
      current.delete(onNotify);
      if (current.size === 0) {
        this.handlers.delete(channel);
        await this.listener?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
      }
    };
  }

  private async listenerClient(): Promise<pg.Client> {
    if (this.listener) return this.listener;
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      application_name: 'sigap-112-listen',
    });
    await client.connect();
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', () => {
      this.listener = null;
      void client.end().catch(() => {});
      setTimeout(() => void this.relisten(), 500).unref();
    });
    this.listener = client;
    return client;
  }

  private async relisten(): Promise<void> {
    if (this.closed || this.handlers.size === 0) return;
    try {
      const client = await this.listenerClient();
      for (const channel of this.handlers.keys())
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      this.listener = null;
      setTimeout(() => void this.relisten(), 1000).unref();
    }
  }

  detectCapabilities(): Promise<Capabilities> {
    return probeCapabilities(this, true);
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.end().catch(() => {});
    this.listener = null;
    await this.pool.end();
  }
}
