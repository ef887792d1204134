#!/usr/bin/env node
/**
 * The living demo (`pnpm demo`): Sigap 112 with the Sidoarjo demo tenant, a day of 112 calls
 * replayed fast, and Damkar's agency app working the fires and snakes it is sent to.
 *
 *   pnpm demo                                  # builds, then runs this file until Ctrl+C
 *   node examples/demo.mjs --minutes 5 --speed 288 --seed 7 --port 3112
 *
 * It starts three processes and stops them in reverse order on Ctrl+C:
 *   1. the server: the built CLI `packages/server/dist/cli.js serve --demo` (embedded
 *      database in ./.sigap/data unless SIGAP_DATA_DIR or DATABASE_URL say otherwise);
 *   2. examples/call-simulator, with the demo dispatcher's key;
 *   3. examples/agency-app, with the demo Damkar key.
 * The demo keys come from the server's banner on the first start, and from the
 * demo-keys.json it writes next to its data directory on later starts.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    speed: { type: 'string', default: '144' },
    'agency-speed': { type: 'string', default: '20' },
    seed: { type: 'string', default: '112' },
    port: { type: 'string', default: process.env.PORT ?? '3112' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: node examples/demo.mjs [--minutes N] [--speed 144] [--agency-speed 20] [--seed 112] [--port 3112]

  --minutes N       stop by itself after N minutes (default: run until Ctrl+C)
  --speed N         call simulator time factor (144 = a day of calls in 10 minutes)
  --agency-speed N  Damkar app time factor (20 = drives and works twenty times faster)`);
  process.exit(0);
}

// Node 20 has WebSocket only behind a flag: give it to the examples so they use the live
// stream rather than polling. Node >= 22 has it built in.
const NODE_FLAGS = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];
const children = [];

/** Runs a node script with its output prefixed, so three programs can share one terminal. */
function run(name, args, env = {}) {
  const child = spawn(process.execPath, [...NODE_FLAGS, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) if (line.trim()) out.write(`${name.padEnd(8)} │ ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  children.push(child);
  return child;
}

// 1. The server. LOG_LEVEL=warn keeps its JSON request logs out of the demo's output.
const server = spawn(process.execPath, ['packages/server/dist/cli.js', 'serve', '--demo'], {
  cwd: REPO,
  env: { LOG_LEVEL: 'warn', ...process.env, PORT: values.port },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.exited = new Promise((done) => server.once('exit', (code, signal) => done(code ?? signal)));
server.stderr.pipe(process.stderr);
console.log('Memulai Sigap 112 / starting Sigap 112 (the first start prepares the database: ~15 s)…');

const banner = await new Promise((ok, fail) => {
  let text = '';
  const onData = (chunk) => {
    text += chunk;
    // The banner is one write: URLs, then the keys when the demo tenant was just created.
    if (text.includes('Health:')) {
      server.stdout.off('data', onData);
      server.stdout.on('data', (more) => process.stdout.write(`server   │ ${more}`));
      ok(text);
    }
  };
  server.stdout.on('data', onData);
  server.exited.then((code) => fail(new Error(`the server stopped (exit ${code}) before it was ready`)));
}).catch((error) => {
  console.error(error.message);
  process.exit(1);
});

const api = banner.match(/API:\s+(\S+)\/v1/)[1];
const keys = new Map(
  [...banner.matchAll(/^\s+\w+\s+(sgp_\S+)\s+\((.+)\)$/gm)].map(([, secret, name]) => [name, secret]),
);
if (keys.size === 0) {
  // Not the first start: the keys were printed then, and saved next to the data directory.
  const dataDir = resolve(REPO, process.env.SIGAP_DATA_DIR ?? '.sigap/data');
  try {
    for (const k of JSON.parse(readFileSync(join(dirname(dataDir), 'demo-keys.json'), 'utf8'))) {
      keys.set(k.name, k.secret);
    }
  } catch {
    console.error(
      `No demo keys: ${join(dirname(dataDir), 'demo-keys.json')} is missing. Delete ${dataDir} to start the demo afresh.`,
    );
    await stop(1);
  }
}
const key = (name) => keys.get(name) ?? '';

const minutes = values.minutes ? Number(values.minutes) : undefined;
// 2. and 3. The call simulator and Damkar's app, bounded by --minutes when given.
run('112-sim', [
  'examples/call-simulator/index.mjs',
  ...['--url', api, '--key', key('Demo dispatcher'), '--speed', values.speed, '--seed', values.seed],
  ...['--minutes', String(minutes ?? 24 * 60), '--max-calls', '100000'],
]);
run('damkar', [
  'examples/agency-app/index.mjs',
  ...['--url', api, '--key', key('Demo Damkar admin'), '--speed', values['agency-speed']],
  ...(minutes ? ['--minutes', String(minutes)] : []),
]);

console.log(`
  Sigap 112 demo: Kabupaten Sidoarjo
  API:         ${api}/v1
  API docs:    ${api}/docs
  Wall-board:  ${api}/board#key=${key('Demo wall-board')}
  Citizen page: SIGAP_KEY=${key('Demo citizen app')} pnpm --filter @sigap/example-citizen-web start
               (the server must allow its origin: CORS_ORIGINS=http://127.0.0.1:8112)
  Keys:        dispatcher ${key('Demo dispatcher')}
               Damkar     ${key('Demo Damkar admin')}
  Ctrl+C menghentikan semuanya / stops everything.
`);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('Menghentikan demo / stopping the demo…');
  // Clients first (they finish their current request), then the server (it drains and closes
  // the database cleanly, so the next start is fast).
  for (const child of children) child.kill('SIGTERM');
  await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(10_000)]);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  server.kill('SIGTERM');
  const exited = await Promise.race([server.exited, sleep(15_000).then(() => 'timeout')]);
  if (exited === 'timeout') server.kill('SIGKILL');
  console.log('Selesai / done.');
  process.exit(code);
}
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms).unref());
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.exited.then((code) => {
  if (!stopping) {
    console.error(`The server stopped unexpectedly (exit ${code}).`);
    stop(1);
  }
});
if (minutes) setTimeout(() => stop(0), minutes * 60_000);
