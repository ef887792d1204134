import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_URL } from './database.js';

const run = promisify(execFile);

/** pgbench from PATH or from Debian's versioned directory (it is not on PATH there). */
export function findPgbench(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const version of readdirSync(root).sort().reverse()) {
    const path = join(root, version, 'bin/pgbench');
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * The intake baseline's table: the incidents table's shape with all its indexes, defaults and
 * checks (LIKE ... INCLUDING ALL), without row-level security, foreign keys or triggers.
 */
export const BASELINE_TABLE_SQL = 'CREATE TABLE bench_insert (LIKE incidents INCLUDING ALL)';

/**
 * One single-row INSERT per transaction of what a 112 report stores: a uuid-numbered incident
 * with a point in the regency. The extended protocol, as `pg` uses for parameterised queries.
 */
const SCRIPT = `\\set x random(0, 200000)
\\set y random(0, 140000)
INSERT INTO bench_insert (tenant_id, number, status, category, priority, description, location, location_source,
  location_accuracy_m, reporter_name, reporter_phone)
VALUES ('35.15', gen_random_uuid()::text, 'verified', 'fire', 'P1', 'Laporan warga: butuh bantuan segera (pgbench)',
  ST_SetSRID(ST_MakePoint(112.6 + :x / 1000000.0, -7.52 + :y / 1000000.0), 4326)::geography, 'device_gps', 15,
  'Pelapor Bench', '+6281234567890');
`;

/**
 * Runs pgbench for `durationSec` at `clients` connections. Default script: the single-row
 * INSERT above (the physical floor); `options.script` replays something else, e.g. a whole
 * intake (lib/intake-replay.ts), in the simple protocol its literals need.
 */
export async function pgbench(
  pgbenchPath: string,
  database: string,
  clients: number,
  durationSec: number,
  options: { script?: string; protocol?: 'simple' | 'extended' } = {},
): Promise<{ tps: number; latencyMs: number; failed: number }> {
  const script = join(tmpdir(), `sigap-bench-${process.pid}-${Date.now()}.sql`);
  await writeFile(script, options.script ?? SCRIPT);
  const url = new URL(ADMIN_URL);
  // pgbench takes whole seconds.
  const seconds = String(Math.max(1, Math.round(durationSec)));
  const protocol = options.protocol ?? 'extended';
  const args = ['-n', '-M', protocol, '-c', String(clients), '-j', '2', '-T', seconds];
  args.push(
    '-f',
    script,
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    url.username || 'postgres',
    database,
  );
  const { stdout } = await run(pgbenchPath, args, {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
    timeout: (durationSec + 60) * 1000,
  }).finally(() => rm(script, { force: true }));
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { tps, latencyMs, failed };
}
