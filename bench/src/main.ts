/**
 * `pnpm bench [--quick] [--backend postgres|embedded|both]`: measures Sigap 112 against the
 * limits of this machine, in the same run, and prints one table (also results/latest.json).
 * A missed target is a result, not a failure: the exit code is non-zero only when the bench
 * itself could not measure something (an ERROR row) or crashed.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fanout } from './fanout.js';
import { geocoding } from './geocoding.js';
import { httpOverhead } from './http-overhead.js';
import { intakeLatency, intakeThroughput } from './intake.js';
import type { Context } from './lib/context.js';
import {
  adminQuery,
  createDatabase,
  createKey,
  DEMO_TENANT_ID,
  type DemoKeys,
  databaseUrl,
  dropDatabase,
  openEmbedded,
  openPostgres,
  postgresProblem,
  seedDemo,
} from './lib/database.js';
import { copyDemoTenant, loadHistory } from './lib/dataset.js';
import { captureIntake, replayScript as replayScriptOf } from './lib/intake-replay.js';
import { resultsDir, serverCli } from './lib/paths.js';
import { BASELINE_TABLE_SQL, findPgbench } from './lib/pgbench.js';
import { makePlan, type Plan } from './lib/plan.js';
import { errorRow, notAvailable, type Row, renderTable } from './lib/report.js';
import type { Db } from './lib/server-internals.js';
import { type Backend, startSigap } from './lib/sigap.js';
import { nearestUnit } from './nearest.js';
import { overload } from './overload.js';
import { reports } from './reports.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'both' },
  },
});
const backends: Backend[] =
  values.backend === 'both' ? ['postgres', 'embedded'] : [values.backend as Backend];
if (!backends.every((b) => b === 'postgres' || b === 'embedded')) {
  console.error('bench: --backend must be postgres, embedded or both');
  process.exit(64);
}
if (!existsSync(serverCli)) {
  console.error(`bench: ${serverCli} is missing: run \`pnpm build\` first (the bench runs the built server)`);
  process.exit(1);
}

const plan = makePlan(values.quick);
const started = new Date();
const rows: Row[] = [];
const log = (message: string) =>
  console.log(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(4)}s] ${message}`);
/** Undone in reverse order at the end, or on Ctrl+C: servers stopped, databases dropped. */
const cleanups: (() => Promise<void>)[] = [];
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`bench: ${signal}, cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function cleanUp() {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((e) => console.error(`cleanup: ${e}`));
}

const pgbenchTps = new Map<number, number>();
const replayTps = new Map<number, number>();
/** Copies of the demo tenant (areas, agencies, units) for the intake-over-tenants diagnostic. */
const SPREAD_TENANTS = 8;
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
  loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  postgres: null as string | null,
  postgis: null as string | null,
};

log(
  `${plan.quick ? 'quick' : 'full'} run on ${backends.join(' + ')}; ${machine.cpus} cores, load ${machine.loadAverageAtStart.join(' ')}`,
);
for (const backend of backends) {
  if (interrupted) break;
  await runBackend(backend).catch((error: unknown) => {
    rows.push(errorRow(backend, 'bench run', '—', error));
    console.error(error);
  });
  await cleanUp();
}

const finished = new Date();
const result = {
  mode: plan.quick ? 'quick' : 'full',
  startedAt: started.toISOString(),
  durationSec: Math.round((finished.getTime() - started.getTime()) / 1000),
  machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))) },
  plan,
  rows,
};
await mkdir(resultsDir, { recursive: true });
await writeFile(join(resultsDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n${renderTable(rows)}\n`);
console.log(
  `${result.mode} run, ${result.durationSec} s; ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB; ` +
    `load average ${machine.loadAverageAtStart[0]} at start, ${result.machine.loadAverageAtEnd[0]} at end; ` +
    `results in bench/results/latest.json`,
);
const errors = rows.filter((r) => r.verdict === 'ERROR').length;
if (errors) console.error(`bench: ${errors} measurement(s) failed (ERROR rows above)`);
process.exit(errors ? 1 : 0);

/** One backend: seed a fresh database, measure in-process queries, start the server, load it. */
async function runBackend(backend: Backend) {
  let db: Db;
  let target: { databaseUrl?: string; dataDir?: string };
  let database: Context['database'] = null;
  if (backend === 'postgres') {
    const problem = await postgresProblem();
    if (problem) {
      rows.push(notAvailable(backend, 'every PostgreSQL row', '—', problem));
      return;
    }
    const name = `sigap_bench_${process.pid}`;
    await dropDatabase(name);
    await createDatabase(name);
    cleanups.push(() => dropDatabase(name));
    database = { name, url: databaseUrl(name) };
    target = { databaseUrl: database.url };
    const [v] = await adminQuery<{ pg: string }>('SHOW server_version', database.url).then((r) =>
      r.map((x) => ({ pg: String(Object.values(x)[0]) })),
    );
    machine.postgres = v?.pg ?? null;
    db = await openPostgres(database.url);
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'sigap-bench-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    target = { dataDir: join(dir, 'data') };
    log('embedded: creating the PGlite + PostGIS database (about 15 s)');
    db = await openEmbedded(target.dataDir!);
  }

  let keys: DemoKeys;
  const spreadKeys: string[] = [];
  let replayScript: string | null = null;
  try {
    log(`${backend}: migrating, demo tenant, ${plan.historyIncidents.toLocaleString('en')} past incidents`);
    keys = await seedDemo(db);
    await loadHistory(db, DEMO_TENANT_ID, 'SDA', plan.historyIncidents);
    // Only the full run has the intake-over-tenants diagnostic (--quick must stay short).
    for (let i = 1; i <= (plan.quick ? 0 : SPREAD_TENANTS); i++) {
      const id = `97.${String(i).padStart(2, '0')}`;
      await copyDemoTenant(db, id, `Bench intake tenant ${i}`, `BI${'ABCDEFGH'[i - 1]}`, { units: true });
      spreadKeys.push(await createKey(db, id, 'call_taker'));
    }
    if (backend === 'postgres') {
      const [row] = await db.query<{ v: string }>('SELECT postgis_lib_version() AS v').then((r) => r.rows);
      machine.postgis = row?.v ?? null;
      await db.exec(BASELINE_TABLE_SQL);
      log(`${backend}: capturing one intake's statements for the pgbench replay`);
      replayScript = replayScript ?? replayScriptOf(await captureIntake(db, keys.callTaker));
    }
    log(`${backend}: nearest unit (${plan.unitSizes.join(', ')} units)`);
    rows.push(...(await guard(backend, 'nearest unit', () => nearestUnit(db, backend, plan))));
  } finally {
    await db.close();
  }

  log(`${backend}: starting node packages/server/dist/cli.js serve`);
  const server = await startSigap(backend, target);
  cleanups.push(() => server.stop());
  const ctx: Context = {
    backend,
    plan,
    server,
    keys,
    database,
    pgbenchPath: findPgbench(),
    pgbenchTps,
    replayScript,
    replayTps,
    spreadKeys,
  };
  const steps: [string, () => Promise<Row | Row[]>][] = [
    ['HTTP overhead', () => httpOverhead(ctx)],
    ['intake throughput', () => intakeThroughput(ctx)],
    ['intake latency', () => intakeLatency(ctx)],
    ['overload', () => overload(ctx)],
    ['live fan-out and memory', () => fanout(ctx)],
    ['geocoding', () => geocoding(ctx)],
    ['reports', () => reports(ctx)],
  ];
  for (const [name, step] of steps) {
    if (interrupted) return;
    log(`${backend}: ${name}`);
    rows.push(...(await guard(backend, name, step)));
  }
}

/** A benchmark that throws becomes an ERROR row; the others still run. */
async function guard(backend: Backend, name: string, fn: () => Promise<Row | Row[]>): Promise<Row[]> {
  try {
    const r = await fn();
    return Array.isArray(r) ? r : [r];
  } catch (error) {
    console.error(error);
    return [errorRow(backend, name, '—', error)];
  }
}

export type { Plan };
