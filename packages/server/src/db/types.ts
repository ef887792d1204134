/**
 * The one small interface the server uses to talk SQL, with two backends behind it:
 * embedded PGlite (+ PostGIS) and PostgreSQL through `pg`. Domains write plain parameterised
 * SQL against it; nothing outside `db/` knows which backend is running.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  /** One parameterised statement (`$1`, `$2`...). */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Backend = 'embedded' | 'postgres';

/** What the connected database can do, detected at start-up rather than assumed per backend. */
export interface Capabilities {
  serverVersion: string;
  postgisVersion: string | null;
  /** `ST_AsMVT` exists (PGlite's PostGIS is built without protobuf and lacks it). */
  mvt: boolean;
  trigram: boolean;
  unaccent: boolean;
  /** Several connections: LISTEN/NOTIFY can reach other server instances. */
  multiInstance: boolean;
}

export interface Db extends Queryable {
  readonly backend: Backend;
  /** Runs `fn` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `onNotify` for every NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Probes the features that differ between backends and versions. */
  detectCapabilities(): Promise<Capabilities>;
  close(): Promise<void>;
}

/** A database that cannot be reached or answered with a connection-level failure. */
export class DatabaseUnavailableError extends Error {
  /** The configuration variable that points at the database, for start-up error lines. */
  readonly variable: 'DATABASE_URL' | 'SIGAP_DATA_DIR';

  constructor(
    message: string,
    options: { cause?: unknown; variable?: 'DATABASE_URL' | 'SIGAP_DATA_DIR' } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DatabaseUnavailableError';
    this.variable = options.variable ?? 'DATABASE_URL';
  }
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * True when `error` means "the database is not reachable right now" (as opposed to a bad query):
 * such failures become `503` + `Retry-After` so clients retry instead of giving up.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE class 08 = connection exception (but 08P01, a protocol violation, is our bug, not
    // an outage); 57P01-57P03 = server shutting down / cannot connect now.
    if (
      (code.startsWith('08') && code !== '08P01') ||
      /^57P0[1-3]$/.test(code) ||
      CONNECTION_ERROR_CODES.has(code)
    ) {
      return true;
    }
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}
