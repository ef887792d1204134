#!/usr/bin/env node
/**
 * Call simulator: replays a day of 112 traffic against a Sigap 112 server, through the SDK.
 *
 *   node examples/call-simulator/index.mjs --seed 112 --speed 144 --minutes 10
 *
 * For each planned call (see plan.mjs) it does what a call taker and a dispatcher do:
 *   1. `calls.log` when the phone is answered (the server shows the caller's prank history);
 *   2. for a real emergency, geocodes the address as said (`geocode.search`) and creates the
 *      incident with `incidents.submit({ callId })`, which links the call;
 *   3. `calls.update` with the outcome and the end time;
 *   4. as the dispatcher, accepts the unit recommendation for some incidents
 *      (`incidents.dispatch({ acceptRecommendation: true })`), so agencies get work.
 *
 * The key must be a dispatcher's (a dispatcher may do everything a call taker does).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from '@sigap/sdk';
import { firstCalls, planCalls } from './plan.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '../..');

const USAGE = `Usage: node index.mjs [options]

  --url URL          Sigap server (default $SIGAP_URL or http://127.0.0.1:3112)
  --key KEY          a dispatcher API key (default $SIGAP_KEY, else the demo's .sigap/demo-keys.json)
  --seed N           random seed; the same seed replays the same calls (default 112)
  --speed N          simulated seconds per real second (default 144: a day in 10 minutes)
  --minutes N        stop after N real minutes (default 10)
  --max-calls N      stop after N calls (default 1000)
  --calls-per-day N  traffic volume (default 133: Sidoarjo 2023)
  --start-hour H     local hour the simulated day starts at (default 8)
  --dispatch-share F share of real incidents dispatched at once (default 0.7)
  --addresses FILE   JSON with {"items":[{"q": "address as said"}]} (default: the demo test-set)
  --allow-remote     allow a server other than 127.0.0.1/localhost (never a production server!)
  --json             one JSON line per call instead of prose (for scripts and tests)
  --dry-run          print the planned calls as JSON lines (with --max-calls) and send nothing`;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    seed: { type: 'string', default: '112' },
    speed: { type: 'string', default: '144' },
    minutes: { type: 'string', default: '10' },
    'max-calls': { type: 'string', default: '1000' },
    'calls-per-day': { type: 'string', default: '133' },
    'start-hour': { type: 'string', default: '8' },
    'dispatch-share': { type: 'string', default: '0.7' },
    addresses: { type: 'string' },
    'allow-remote': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const number = (name) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a number`);
    process.exit(64);
  }
  return n;
};
const addressFile =
  values.addresses ?? join(REPO, 'packages/server/data/demo/sidoarjo/geocoding-testset.json');
const addresses = JSON.parse(readFileSync(addressFile, 'utf8')).items.map((i) => i.q);
const planOptions = {
  seed: number('seed'),
  addresses,
  callsPerDay: number('calls-per-day'),
  startHour: number('start-hour'),
  dispatchShare: number('dispatch-share'),
};

// The plan depends on the options only: show it without touching any server.
if (values['dry-run']) {
  const lines = firstCalls(planOptions, number('max-calls')).map((call) => `${JSON.stringify(call)}\n`);
  // Exit only once stdout is flushed: process.exit() would cut a long plan written to a pipe.
  process.stdout.write(lines.join(''), () => process.exit(0));
  await new Promise(() => {});
}

const url = values.url ?? process.env.SIGAP_URL ?? 'http://127.0.0.1:3112';
// Fake traffic must never reach a real 112 centre by accident: local servers only, unless asked.
const host = new URL(url).hostname;
if (!values['allow-remote'] && !['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
  console.error(`Refusing to send simulated calls to ${host}: pass --allow-remote if this is a test server.`);
  process.exit(64);
}
const apiKey = values.key ?? process.env.SIGAP_KEY ?? demoKey('Demo dispatcher');
if (!apiKey) {
  console.error('No API key: pass --key (a dispatcher key) or start the demo server first (`pnpm start`).');
  process.exit(64);
}
const seed = planOptions.seed;
const speed = Math.max(number('speed'), 0.001);
const deadline = Date.now() + number('minutes') * 60_000;
const maxCalls = number('max-calls');

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

const sigap = createClient({ baseUrl: url, apiKey });

const LABELS = {
  prank: 'iseng / prank',
  silent: 'diam / silent',
  misdial: 'salah sambung / misdial',
  incident: 'kejadian / incident',
};

const say = (line, data) => console.log(values.json ? JSON.stringify(data) : line);

/** Geocoding the same address twice gives the same answer: ask once per address. */
const located = new Map();
async function locate(address) {
  if (!located.has(address)) {
    const { candidates } = await sigap.geocode.search({ q: address, limit: 3 });
    const best = candidates.find((c) => c.point);
    if (best) {
      located.set(address, { point: best.point, source: 'geocoded', address });
    } else {
      // The village is known but has no point in the gazetteer (many desa have only a name):
      // do what a call taker does and fall back to the kecamatan's centre, saying so
      // (`area_centroid`), so the incident is on the map and can be dispatched.
      const kecamatan = candidates[0]?.label.match(/Kec\. (.+)$/)?.[1];
      const area = kecamatan
        ? (await sigap.geocode.search({ q: `Kecamatan ${kecamatan}`, limit: 3 })).candidates.find(
            (c) => c.point && c.matched === 'kecamatan',
          )
        : undefined;
      // With nothing at all the incident still goes in with the address as said: the
      // dispatcher sees "no point yet" rather than a wrong pin.
      located.set(address, area ? { point: area.point, source: 'area_centroid', address } : { address });
    }
  }
  return located.get(address);
}

let stopping = false;
const stop = () => {
  stopping = true;
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

/** Sleeps until `until` (ms epoch), waking early when asked to stop; never past the deadline. */
async function sleepUntil(until) {
  while (!stopping && Date.now() < Math.min(until, deadline)) {
    await new Promise((r) => setTimeout(r, Math.min(200, Math.min(until, deadline) - Date.now())));
  }
}

const started = Date.now();
const totals = { calls: 0, incidents: 0, dispatched: 0, prank: 0, silent: 0, misdial: 0, errors: 0 };
if (!values.json) {
  console.log(`Simulator panggilan 112 / 112 call simulator: ${url}, seed ${seed}, speed ×${speed}`);
}

for (const planned of planCalls(planOptions)) {
  if (totals.calls >= maxCalls) break;
  // Replay time: a call at simulated second s happens s/speed real seconds after the start.
  // A slow server makes us late; we then send at once rather than skip calls.
  await sleepUntil(started + (planned.simSeconds / speed) * 1000);
  if (stopping || Date.now() >= deadline) break;
  try {
    await playCall(planned);
  } catch (error) {
    // One failed call must not end the simulation: log it and go on to the next.
    totals.errors++;
    say(`  ! #${planned.n} ${error.code ?? ''} ${error.message}`, { n: planned.n, error: error.message });
  }
}

async function playCall(planned) {
  totals.calls++;
  const { call, repeatPrankster, blocked } = await sigap.calls.log({
    channel: 'phone',
    callerNumber: planned.callerNumber,
    callTaker: 'Simulator',
  });
  const flags = [
    repeatPrankster ? 'penelepon iseng berulang / repeat prankster' : '',
    blocked ? 'diblokir / blocked' : '',
  ]
    .filter(Boolean)
    .join(', ');
  const endedAt = () => new Date().toISOString();

  if (planned.outcome !== 'incident') {
    totals[planned.outcome]++;
    await sigap.calls.update(call.id, { outcome: planned.outcome, notes: planned.notes, endedAt: endedAt() });
    say(
      `[${planned.clock}] #${planned.n} ${planned.callerNumber} → ${LABELS[planned.outcome]}${flags ? ` (${flags})` : ''}`,
      { ...planned, callId: call.id, repeatPrankster, blocked: blocked !== null },
    );
    return;
  }

  // A real emergency: a blocked number is still answered (a block informs, it never refuses).
  const location = await locate(planned.address);
  const result = await sigap.incidents.submit({
    category: planned.category,
    description: planned.description,
    location,
    reporter: { phone: planned.callerNumber },
    callId: call.id,
  });
  if (result.queued) throw new Error('the server is unreachable');
  const { incident } = result;
  totals.incidents++;
  await sigap.calls.update(call.id, { outcome: 'incident', incidentId: incident.id, endedAt: endedAt() });

  let dispatched = null;
  if (planned.dispatch) {
    try {
      const after = await sigap.incidents.dispatch(incident.id, {
        acceptRecommendation: true,
        note: 'Rekomendasi diterima (simulator)',
      });
      dispatched = after.assignments.map((a) => a.agencyCode);
      totals.dispatched++;
    } catch (error) {
      // No unit free, or no agency for the category: the incident waits on the board.
      dispatched = [];
      say(`  ! #${planned.n} dispatch: ${error.code ?? ''} ${error.message}`, {
        n: planned.n,
        dispatchError: error.message,
      });
    }
  }
  say(
    `[${planned.clock}] #${planned.n} ${planned.callerNumber} → ${incident.number} ${planned.category} ` +
      `"${planned.address}"${location.point ? '' : ' (tanpa titik / no point)'}` +
      (dispatched?.length ? ` ⇒ ${dispatched.join(', ')}` : ''),
    { ...planned, callId: call.id, incidentId: incident.id, number: incident.number, dispatched },
  );
}

const summary = `${totals.calls} panggilan / calls: ${totals.incidents} kejadian / incidents (${totals.dispatched} dikirim / dispatched), ${totals.prank} iseng, ${totals.silent} diam, ${totals.misdial} salah sambung, ${totals.errors} galat / errors`;
say(`Selesai / done: ${summary}`, { done: true, ...totals });
await sigap.close();
