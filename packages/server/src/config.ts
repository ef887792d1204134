import { resolve } from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { type GeocoderConfig, parseGeocoderConfig } from './geocoding/config.js';

/**
 * Every setting Sigap 112 reads from the environment. Parsed once at boot (`loadConfig`),
 * frozen, and passed down; nothing deeper reads `process.env`.
 * The README's configuration table mirrors this schema: keep them in step.
 */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3112, description: 'HTTP port' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to listen on' }),
  DATABASE_URL: Type.Optional(
    Type.String({ minLength: 1, description: 'postgres:// URL; unset = embedded PGlite backend' }),
  ),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  SIGAP_DATA_DIR: Type.String({ minLength: 1, default: './.sigap/data' }),
  SIGAP_DEMO: Type.Boolean({ default: false, description: 'Load the demo tenant (Kabupaten Sidoarjo)' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  SLA_CHECK_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 15_000 }),
  OSRM_URL: Type.Optional(Type.String({ minLength: 1, description: 'OSRM server for road travel times' })),
  OSRM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 2000 }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'comma-separated origins allowed to call the API from browsers',
  }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1200 }),
  MAX_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  MAX_HEAP_MB: Type.Integer({ minimum: 64, maximum: 65_536, default: 1536 }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000 }),
  WORK_SLOTS: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 0,
    description: 'requests doing work at once (0 = the database pool size; 4 embedded)',
  }),
  MAX_REQUESTS_PER_CLIENT: Type.Integer({ minimum: 1, maximum: 100_000, default: 64 }),
  MAX_CONNECTIONS_PER_ADDRESS: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 256 }),
  MAX_AUTH_FAILURES_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 30_000 }),
  CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 120_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  LIVE_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 300_000, default: 30_000 }),
  LIVE_POLL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 2000 }),
  LIVE_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 1024, maximum: 1_073_741_824, default: 4 * 1024 * 1024 }),
  // Live-stream caps, per server instance (see live/limits.ts).
  LIVE_MAX_SOCKETS_PER_KEY: Type.Integer({ minimum: 1, maximum: 100_000, default: 100 }),
  LIVE_MAX_SOCKETS_PER_TENANT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 2000 }),
  LIVE_MAX_SNAPSHOTS_PER_TENANT: Type.Integer({ minimum: 1, maximum: 1000, default: 4 }),
  LIVE_MAX_CLIENT_MESSAGES_PER_SECOND: Type.Integer({ minimum: 1, maximum: 10_000, default: 10 }),
});

export type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly shutdownTimeoutMs: number;
  /** How often missed response targets are looked for; 0 turns the monitor off (tests). */
  readonly slaCheckIntervalMs: number;
  readonly live: {
    readonly heartbeatMs: number;
    readonly pollMs: number;
    readonly maxBufferedBytes: number;
    readonly maxSocketsPerKey: number;
    readonly maxSocketsPerTenant: number;
    readonly maxSnapshotsPerTenant: number;
    readonly maxClientMessagesPerSecond: number;
  };
  readonly demo: boolean;
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  /** Requests being handled at once past which new ones get 503 (load shedding). */
  readonly maxInFlight: number;
  readonly maxHeapBytes: number;
  /** Event-loop delay past which requests are shed; 0 = not checked. */
  readonly maxEventLoopDelayMs: number;
  /** Admission control and connection limits (plugins/admission.ts, plugins/protection.ts). */
  readonly limits: {
    /** Requests doing work at once, shared by the work classes (intake has a reserve). */
    readonly workSlots: number;
    /** Requests one API key (or address without a key) may have in progress at once. */
    readonly maxRequestsPerClient: number;
    /** Open connections from one address; 0 = no cap (behind a reverse proxy). */
    readonly maxConnectionsPerAddress: number;
    /** Refused keys per address and minute before an address's unknown keys are not looked up. */
    readonly maxAuthFailuresPerMinute: number;
    /** A request (headers and body) must arrive within this; then 408. */
    readonly requestTimeoutMs: number;
    /** An idle socket is closed after this. */
    readonly connectionTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
  /** External geocoder (Nominatim or Photon) besides the built-in gazetteer; off by default. */
  readonly geocoder: GeocoderConfig;
  /** Road travel times from OSRM's table service; straight-line estimates when unset. */
  readonly osrm: { readonly url: string; readonly timeoutMs: number } | null;
  readonly database:
    | { readonly backend: 'embedded'; readonly dataDir: string }
    | {
        readonly backend: 'postgres';
        readonly url: string;
        readonly poolMax: number;
        readonly connectTimeoutMs: number;
      };
}

/** A configuration problem: `message` is one line naming the variable and the reason. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  '1': true,
  true: true,
  yes: true,
  '0': false,
  false: false,
  no: false,
};

/**
 * Reads the environment into a frozen `Config`, or throws a `ConfigError` for the first bad variable.
 * `overrides` lets the CLI (`--demo`, `--port`) and tests set values without touching `process.env`.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Env> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    // An empty variable (`DATABASE_URL=`) means "not set", as in most twelve-factor tools.
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) raw[key] = value;

  if (typeof raw.SIGAP_DEMO === 'string') {
    const word = BOOLEAN_WORDS[raw.SIGAP_DEMO.toLowerCase()];
    if (word === undefined)
      throw new ConfigError('SIGAP_DEMO', `must be true or false, got "${raw.SIGAP_DEMO}"`);
    raw.SIGAP_DEMO = word;
  }
  const withDefaults = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw));
  const first = [...Value.Errors(EnvSchema, withDefaults)][0];
  if (first) {
    const variable =
      first.instancePath.replace(/^\//, '') || Object.keys(first.params ?? {})[0] || 'environment';
    const given = raw[variable];
    throw new ConfigError(
      variable,
      `${first.message}${given === undefined ? '' : `, got "${String(given)}"`}`,
    );
  }
  const parsed = withDefaults as Env;

  let database: Config['database'];
  if (parsed.DATABASE_URL) {
    database = {
      backend: 'postgres',
      url: checkDatabaseUrl(parsed.DATABASE_URL),
      poolMax: parsed.DATABASE_POOL_MAX,
      connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS,
    };
  } else {
    database = { backend: 'embedded', dataDir: resolve(parsed.SIGAP_DATA_DIR) };
  }

  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    slaCheckIntervalMs: parsed.SLA_CHECK_INTERVAL_MS,
    live: Object.freeze({
      heartbeatMs: parsed.LIVE_HEARTBEAT_MS,
      pollMs: parsed.LIVE_POLL_MS,
      maxBufferedBytes: parsed.LIVE_MAX_BUFFERED_BYTES,
      maxSocketsPerKey: parsed.LIVE_MAX_SOCKETS_PER_KEY,
      maxSocketsPerTenant: parsed.LIVE_MAX_SOCKETS_PER_TENANT,
      maxSnapshotsPerTenant: parsed.LIVE_MAX_SNAPSHOTS_PER_TENANT,
      maxClientMessagesPerSecond: parsed.LIVE_MAX_CLIENT_MESSAGES_PER_SECOND,
    }),
    demo: parsed.SIGAP_DEMO,
    geocoder: parseGeocoderConfig({ ...env, ...stringOverrides(overrides) }, (variable, reason) => {
      throw new ConfigError(variable, reason);
    }),
    corsOrigins: Object.freeze(parseOrigins(parsed.CORS_ORIGINS)),
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    maxInFlight: parsed.MAX_IN_FLIGHT,
    maxHeapBytes: parsed.MAX_HEAP_MB * 1024 * 1024,
    maxEventLoopDelayMs: parsed.MAX_EVENT_LOOP_DELAY_MS,
    limits: Object.freeze({
      workSlots:
        parsed.WORK_SLOTS > 0
          ? parsed.WORK_SLOTS
          : database.backend === 'postgres'
            ? database.poolMax
            : EMBEDDED_WORK_SLOTS,
      maxRequestsPerClient: parsed.MAX_REQUESTS_PER_CLIENT,
      maxConnectionsPerAddress: parsed.MAX_CONNECTIONS_PER_ADDRESS,
      maxAuthFailuresPerMinute: parsed.MAX_AUTH_FAILURES_PER_MINUTE,
      requestTimeoutMs: parsed.REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: parsed.CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: parsed.KEEP_ALIVE_TIMEOUT_MS,
    }),
    osrm: parsed.OSRM_URL
      ? Object.freeze({ url: checkHttpUrl('OSRM_URL', parsed.OSRM_URL), timeoutMs: parsed.OSRM_TIMEOUT_MS })
      : null,
    database: Object.freeze(database),
  });
}

/**
 * PGlite runs one statement at a time in the server's own thread: a few requests in progress
 * keep it busy, more only lengthen every request's wait (they queue in admission instead).
 */
const EMBEDDED_WORK_SLOTS = 4;

function checkDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user@host:5432/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `must start with postgres:// or postgresql://, got "${url.protocol}//"`,
    );
  }
  if (!url.hostname && !url.searchParams.get('host')) {
    throw new ConfigError('DATABASE_URL', 'has no host');
  }
  return value;
}

function stringOverrides(overrides: Partial<Env>): Record<string, string> {
  return Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)]));
}

function parseOrigins(value: string): string[] {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {}
    if (!url || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://app.example.go.id`);
    }
  }
  return origins.map((o) => o.replace(/\/$/, ''));
}

function checkHttpUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, `is not a valid URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(variable, 'must be an http(s) URL');
  return value;
}

/** The database URL without its password, for logs and error messages. */
export function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}
