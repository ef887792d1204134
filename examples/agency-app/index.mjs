#!/usr/bin/env node
/**
 * Agency app: what an OPD (Damkar, BPBD, PSC 119...) runs to work its 112 assignments.
 *
 *   node examples/agency-app/index.mjs --key sgp_... --speed 20
 *
 * With an `agency` API key it:
 *   1. subscribes to the live stream (`live.subscribe`); the server sends an agency key only
 *      the incidents assigned to its own agency, and its own units;
 *   2. acknowledges every new assignment (`assignments.transition` → `acknowledged`): the
 *      P1 target to acknowledge is 2 minutes, so this is the first thing it does;
 *   3. sends a unit: `en_route`, then moves it along a straight line to the incident
 *      (`units.updatePosition`), so the wall-board shows it driving;
 *   4. `on_scene`, works a while, then `resolved` with a note, and frees the unit.
 *
 * `--speed` compresses time: 1 is real time (a unit at 40 km/h), 20 drives and works twenty
 * times faster. Everything it does is printed in Bahasa Indonesia and English.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConflictError, createClient } from '@sigap/sdk';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');

const USAGE = `Usage: node index.mjs [options]

  --key KEY      an agency API key (default $SIGAP_KEY, else the demo's Damkar key from .sigap/demo-keys.json)
  --url URL      Sigap server (default $SIGAP_URL or http://127.0.0.1:3112)
  --speed N      time factor: 1 = real time, 20 = twenty times faster (default 10)
  --minutes N    stop after N real minutes (default: run until Ctrl+C)
  --json         one JSON line per step instead of prose (for scripts and tests)`;

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    url: { type: 'string' },
    speed: { type: 'string', default: '10' },
    minutes: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const url = values.url ?? process.env.SIGAP_URL ?? 'http://127.0.0.1:3112';
const apiKey = values.key ?? process.env.SIGAP_KEY ?? demoKey('Demo Damkar admin');
if (!apiKey) {
  console.error('No API key: pass --key (an agency key) or start the demo server first (`pnpm start`).');
  process.exit(64);
}
const speed = Number(values.speed);
if (!(speed > 0)) {
  console.error('--speed must be a positive number');
  process.exit(64);
}

/** The demo server writes its keys next to its data directory; only ever used for the demo. */
function demoKey(name) {
  const dataDir = process.env.SIGAP_DATA_DIR ?? join(REPO, '.sigap/data');
  try {
    const keys = JSON.parse(readFileSync(join(dirname(dataDir), 'demo-keys.json'), 'utf8'));
    return keys.find((k) => k.name === name)?.secret;
  } catch {
    return undefined;
  }
}

/** Real-world pace, divided by --speed. */
const DRIVE_MPS = 40 / 3.6; // 40 km/h through Sidoarjo traffic
const WORK_S = { fire: 20 * 60, traffic_accident: 15 * 60, animal_rescue: 10 * 60 };
const RESOLVE_NOTE = {
  fire: 'Api padam, pendinginan selesai / fire out, cooled down',
  animal_rescue: 'Hewan dievakuasi dengan aman / animal removed safely',
  traffic_accident: 'Korban dievakuasi, lalu lintas lancar / casualties evacuated, traffic flowing',
};

const sigap = createClient({ baseUrl: url, apiKey });
const stopped = new AbortController();

const say = (id, en, data = {}) =>
  console.log(values.json ? JSON.stringify({ at: new Date().toISOString(), ...data }) : `${id} / ${en}`);

/** A sleep that ends early on shutdown, so Ctrl+C never waits for a unit to arrive. */
function sleep(ms) {
  return new Promise((resolve) => {
    if (stopped.signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    stopped.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

// Who are we? An agency key sees only its own units: their agency is ours.
const units = [];
for await (const unit of sigap.units.list({ limit: 100 })) units.push(unit);
if (units.length === 0) {
  console.error('This key sees no units: is it an agency key of an agency with units?');
  process.exit(1);
}
const agencyId = units[0].agencyId;
const agencyCode = units[0].agencyCode;
const unitsById = new Map(units.map((u) => [u.id, u]));
say(
  `Aplikasi ${agencyCode} siap: ${units.length} unit, kecepatan ×${speed}`,
  `${agencyCode} app ready: ${units.length} units, speed ×${speed}`,
  { step: 'ready', agency: agencyCode, units: units.length },
);

/** Assignments being worked, so a repeated event never starts the same work twice. */
const working = new Map();

function consider(incident) {
  for (const assignment of incident.assignments) {
    if (assignment.agencyId !== agencyId || assignment.status !== 'dispatched') continue;
    if (working.has(assignment.id) || stopped.signal.aborted) continue;
    const job = work(incident, assignment)
      .catch((error) => {
        // Someone else moved it on (a dispatcher cancelled, another screen acknowledged):
        // the server says what is possible now; this app simply lets it go.
        const allowed = error instanceof ConflictError ? ` (allowed: ${error.allowed?.join(', ')})` : '';
        say(`${incident.number}: dihentikan: ${error.message}`, `${incident.number}: stopped${allowed}`, {
          step: 'error',
          incident: incident.number,
          error: error.message,
        });
      })
      .finally(() => working.delete(assignment.id));
    working.set(assignment.id, job);
  }
}

async function work(incident, assignment) {
  const n = incident.number;
  const data = { incident: n, incidentId: incident.id, assignmentId: assignment.id };
  await sigap.assignments.transition(assignment.id, { to: 'acknowledged', note: `Diterima ${agencyCode}` });
  say(`${n}: diterima (${incident.category})`, `${n}: acknowledged (${incident.category})`, {
    step: 'acknowledged',
    ...data,
  });

  // The dispatcher may have chosen a unit; otherwise send the nearest available one.
  const target = incident.location.point;
  const unit =
    unitsById.get(assignment.unitId) ??
    nearest(
      units.filter((u) => u.status === 'available'),
      target,
    ) ??
    units[0];
  unit.status = 'busy';
  await sigap.assignments.transition(assignment.id, { to: 'en_route', note: `Unit ${unit.code} berangkat` });
  say(`${n}: ${unit.code} berangkat`, `${n}: ${unit.code} en route`, {
    step: 'en_route',
    unit: unit.code,
    ...data,
  });

  if (target) await drive(unit, target);
  if (stopped.signal.aborted) return;
  await sigap.assignments.transition(assignment.id, {
    to: 'on_scene',
    note: `Unit ${unit.code} tiba di lokasi`,
  });
  say(`${n}: ${unit.code} tiba di lokasi`, `${n}: ${unit.code} on scene`, { step: 'on_scene', ...data });

  await sleep(((WORK_S[incident.category] ?? 10 * 60) * 1000) / speed);
  if (stopped.signal.aborted) return;
  const note = RESOLVE_NOTE[incident.category] ?? 'Penanganan selesai / handled';
  await sigap.assignments.transition(assignment.id, { to: 'resolved', note });
  say(`${n}: selesai: ${note.split(' / ')[0]}`, `${n}: resolved: ${note.split(' / ')[1] ?? note}`, {
    step: 'resolved',
    ...data,
  });
  // The unit is free again for the next call (the dispatcher's recommendation reads this).
  await sigap.units.updateStatus(unit.id, { status: 'available' }).catch(() => {});
  unit.status = 'available';
}

/**
 * Drives in a straight line, one position a second of real time (at most 60 steps): enough
 * for a smooth wall-board, few enough requests for a slow link. A real app sends GPS fixes.
 */
async function drive(unit, to) {
  const from = unit.location;
  const metres = distanceM(from, to);
  const seconds = metres / DRIVE_MPS / speed;
  const steps = Math.max(1, Math.min(60, Math.round(seconds)));
  for (let i = 1; i <= steps && !stopped.signal.aborted; i++) {
    await sleep((seconds * 1000) / steps);
    const f = i / steps;
    const point = { lon: from.lon + (to.lon - from.lon) * f, lat: from.lat + (to.lat - from.lat) * f };
    await sigap.units.updatePosition(unit.id, { ...point, accuracyM: 10, at: new Date().toISOString() });
    unit.location = point;
  }
}

function nearest(candidates, point) {
  if (!point) return candidates[0];
  return candidates.reduce(
    (best, u) => (!best || distanceM(u.location, point) < distanceM(best.location, point) ? u : best),
    undefined,
  );
}

/** Haversine: good to a few metres at the scale of a regency. */
function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

// The snapshot brings assignments that arrived while the app was down; then every change.
// Without a WebSocket (Node 20 without --experimental-websocket) the SDK polls: every second here.
const subscription = sigap.live.subscribe(
  { agency: agencyId },
  {
    onSnapshot: ({ incidents }) => {
      for (const incident of incidents) consider(incident);
    },
    onIncident: (incident) => consider(incident),
    onStatus: (status) => say(`Koneksi: ${status}`, `Connection: ${status}`, { step: 'connection', status }),
    onError: (error) =>
      say(`Galat: ${error.message}`, `Error: ${error.message}`, { step: 'error', error: error.message }),
  },
  { pollIntervalMs: 1000 },
);

async function shutdown() {
  if (stopped.signal.aborted) return;
  stopped.abort();
  subscription.close();
  await Promise.allSettled(working.values());
  await sigap.close();
  say('Berhenti', 'Stopped', { step: 'stopped' });
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
if (values.minutes) setTimeout(shutdown, Number(values.minutes) * 60_000).unref();
