import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resultsDir, serverCli } from './paths.js';

export type Backend = 'postgres' | 'embedded';

export interface SigapProcess {
  url: string;
  pid: number;
  backend: Backend;
  /** Resident set size of the server process now, in MiB (from /proc). */
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Settings for measuring capacity rather than policy: rate limits, the in-flight cap and the
 * per-client and per-key socket caps far above any load generated here, and no event-loop-delay shedding (it would turn overload into
 * quick 503s, which is right in production but hides how much work the server can do). The SLA
 * monitor is off so no background job competes with the load. Everything else is the default.
 */
const BENCH_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000',
  MAX_IN_FLIGHT: '100000',
  // Every load here comes from one address and a few keys: the per-client caps would answer
  // it first (they have their own tests). Admission by work class stays on: it is capacity.
  MAX_REQUESTS_PER_CLIENT: '100000',
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  LIVE_MAX_SOCKETS_PER_KEY: '100000',
  LIVE_MAX_SOCKETS_PER_TENANT: '100000',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  SLA_CHECK_INTERVAL_MS: '0',
};

/**
 * Starts `node packages/server/dist/cli.js serve` as its own process on a database the bench
 * has already migrated and seeded, and waits for its banner (which prints the URL).
 * Its output goes to results/server-<backend>.log.
 */
export async function startSigap(
  backend: Backend,
  target: { databaseUrl?: string; dataDir?: string },
  extraEnv: Record<string, string> = {},
): Promise<SigapProcess> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...BENCH_ENV, ...extraEnv };
  if (backend === 'postgres') env.DATABASE_URL = target.databaseUrl!;
  else env.SIGAP_DATA_DIR = target.dataDir!;

  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load
  // (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverCli, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(resultsDir, `server-${backend}.log`));
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error('the server did not print its banner within 120 s')),
      120_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output.slice(-2000)}`));
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API:\s+(http:\/\/\S+)\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => fail(new Error(`the server exited with code ${code} before listening`)));
  });
  child.removeAllListeners('exit');
  return {
    url,
    pid: child.pid!,
    backend,
    rssMb: () => rssMb(child.pid!),
    stop: () => stopProcess(child).finally(() => log.end()),
  };
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** SIGTERM (graceful shutdown), SIGKILL after 15 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}
