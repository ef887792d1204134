/**
 * Shared machinery for the reliability suite: a PostgreSQL cluster of the test's own (initdb in
 * a temporary directory, so stopping it harms nothing else), the real server as a separate
 * process (`node packages/server/dist/cli.js serve`), free ports, RSS readings and figures.
 *
 * Everything listens on 127.0.0.1. Every wait here is bounded.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'packages/server/dist/cli.js');
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Real PostgreSQL for this run (CI sets it); the private-cluster tests also need the binaries. */
export const HAS_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);
export const HAS_PG_BINARIES = existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints one figure line, collected by docs/reliability.md. */
export function figure(test: string, values: Record<string, unknown>): void {
  console.log(`[reliability] ${test}: ${JSON.stringify(values)}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until `check` resolves truthy, polling every `everyMs`, for at most `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - started;
    } catch {
      // not yet
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Waits until `done()` while telling slow from stuck: it fails when `progress()` (a count that
 * grows while work gets done) has not moved for `stallMs`, saying `describe()`; a slow machine
 * that keeps moving gets up to `capMs`. Returns the time waited.
 */
export async function waitWithProgress(
  what: string,
  opts: {
    done: () => boolean;
    progress: () => number;
    describe: () => string;
    stallMs: number;
    capMs: number;
    everyMs?: number;
  },
): Promise<number> {
  const started = Date.now();
  let last = opts.progress();
  let movedAt = started;
  for (;;) {
    if (opts.done()) return Date.now() - started;
    const now = Date.now();
    const current = opts.progress();
    if (current !== last) {
      last = current;
      movedAt = now;
    }
    if (now - movedAt > opts.stallMs)
      throw new Error(`stuck: no progress for ${opts.stallMs} ms waiting for ${what}: ${opts.describe()}`);
    if (now - started > opts.capMs)
      throw new Error(
        `still moving but not done after ${opts.capMs} ms waiting for ${what}: ${opts.describe()}`,
      );
    await sleep(opts.everyMs ?? 100);
  }
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------------

export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  values?: unknown[],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh database on the run's PostgreSQL (TEST_DATABASE_URL), copied from the migrated template
 * the global setup made, named like the other test databases (sigap_test_<pid>_...) so an
 * interrupted run's leftovers are dropped by the next run. Returns its URL and a drop function.
 */
export async function createFreshDatabase(
  adminUrl: string,
  template: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${template.replace(/template$/, '')}rel_${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(
        adminUrl,
        `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
      );
      break;
    } catch (error) {
      // 55006: the template is briefly in use by another file's CREATE DATABASE.
      if ((error as { code?: string }).code !== '55006' || attempt >= 30) throw error;
      await sleep(100 * attempt);
    }
  }
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () =>
      adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).then(
        () => {},
      ),
  };
}

/**
 * A PostgreSQL cluster of this test's own: initdb in a temporary directory owned by the
 * `postgres` OS user (the binaries refuse to run as root), on its own port, trust auth,
 * unix socket in the directory itself. PostGIS comes from the Debian package.
 */
export class PrivateCluster {
  readonly dir: string;
  readonly port: number;
  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'sigap-pg-'));
    execFileSync('chown', ['postgres:postgres', dir]);
    const cluster = new PrivateCluster(dir, await freePort());
    cluster.asPostgres(join(PG_BIN, 'initdb'), [
      '-D',
      cluster.dataDir,
      '--auth=trust',
      '--username=postgres',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database = 'postgres', user = 'postgres'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  private asPostgres(cmd: string, args: string[]): string {
    return execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    }).toString();
  }

  async start(): Promise<void> {
    this.asPostgres(join(PG_BIN, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c max_connections=60`,
      'start',
    ]);
  }

  async stop(): Promise<void> {
    this.asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The server as a separate process
// ---------------------------------------------------------------------------------------------

export interface DemoKeys {
  admin: string;
  dispatcher: string;
  call_taker: string;
  viewer: string;
  integrator: string;
}

export class ServerProcess {
  child: ChildProcess | null = null;
  readonly url: string;
  output = '';
  keys: Partial<DemoKeys> = {};
  starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly args: string[] = ['serve', '--demo'],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('server not running');
    return this.child.pid;
  }

  /** Starts `sigap serve` and waits (at most `timeoutMs`) until /healthz answers. */
  async start(timeoutMs = 60_000): Promise<number> {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...this.args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'warn',
        SLA_CHECK_INTERVAL_MS: '0',
        SHUTDOWN_TIMEOUT_MS: '2000',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output = (this.output + text).slice(-200_000);
      // "    admin       sgp_...  (Demo admin)": printed once, on the demo tenant's first start.
      for (const m of text.matchAll(
        /^\s+(admin|dispatcher|call_taker|viewer|integrator|agency)\s+(\S+)\s+\((.+)\)$/gm,
      )) {
        const role = m[1] as keyof DemoKeys;
        if (!this.keys[role]) this.keys[role] = m[2]!;
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    await waitUntil(
      `the server on port ${this.port} (output: ${this.output.slice(-500)})`,
      async () => {
        if (exited) throw new Error(`server exited: ${this.output.slice(-2000)}`);
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        return res.ok;
      },
      timeoutMs,
      50,
    );
    return Date.now() - started;
  }

  /** SIGKILL: no graceful shutdown, no flush, no goodbye. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await Promise.race([gone, sleep(10_000)]);
    this.child = null;
  }
}
