/**
 * examples/call-simulator against a real server: a fixed seed gives the same calls every time
 * (the plan is made before anything is sent), the prank share and the category mix are
 * Sidoarjo's, and every call, incident and dispatch lands in the server as planned.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Call, createClient, type Incident, type SigapClient } from '@sigap/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSdkBuilt, type RunningServer, startServer } from './helpers/server.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SIMULATOR = 'examples/call-simulator/index.mjs';
const run = promisify(execFile);

interface PlannedCall {
  n: number;
  simSeconds: number;
  outcome: string;
  callerNumber: string;
  category?: string;
  dispatch?: boolean;
  callId?: string;
  incidentId?: string;
  dispatched?: string[] | null;
  done?: boolean;
}

async function simulator(args: string[]): Promise<PlannedCall[]> {
  // A data dir that does not exist: the example must not pick up a developer's demo keys.
  const { stdout } = await run(process.execPath, [SIMULATOR, ...args], {
    cwd: REPO,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, SIGAP_DATA_DIR: '/nonexistent/sigap-test/data' },
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as PlannedCall);
}

let server: RunningServer;
let dispatcher: SigapClient;

beforeAll(async () => {
  assertSdkBuilt();
  server = await startServer();
  dispatcher = createClient({ baseUrl: server.url, apiKey: server.demo.keys.dispatcher });
});
afterAll(async () => {
  await server?.stop();
});

describe('the plan (no server)', () => {
  it('is the same for the same seed and different for another', async () => {
    const a = await simulator(['--dry-run', '--seed', '112', '--max-calls', '200']);
    const b = await simulator(['--dry-run', '--seed', '112', '--max-calls', '200']);
    const c = await simulator(['--dry-run', '--seed', '113', '--max-calls', '200']);
    expect(a).toHaveLength(200);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('has ~81% prank/silent/misdial, the real category order, repeat pranksters and a day/night curve', async () => {
    // 10,000 calls at 133 a day: about 75 simulated days from 08:00.
    const calls = await simulator(['--dry-run', '--seed', '112', '--max-calls', '10000']);
    const notReal = calls.filter((c) => ['prank', 'silent', 'misdial'].includes(c.outcome)).length;
    expect(notReal / calls.length).toBeGreaterThan(0.78);
    expect(notReal / calls.length).toBeLessThan(0.84);

    const byCategory = new Map<string, number>();
    for (const c of calls) if (c.category) byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + 1);
    const ranked = [...byCategory.entries()].sort((x, y) => y[1] - x[1]).map(([k]) => k);
    expect(ranked.slice(0, 3)).toEqual(['street_light', 'traffic_accident', 'damaged_road']);
    expect(new Set(ranked)).toEqual(
      new Set(['street_light', 'traffic_accident', 'damaged_road', 'fire', 'crime', 'animal_rescue', 'odgj']),
    );

    const prankCounts = new Map<string, number>();
    for (const c of calls.filter((x) => x.outcome === 'prank')) {
      prankCounts.set(c.callerNumber, (prankCounts.get(c.callerNumber) ?? 0) + 1);
    }
    expect([...prankCounts.values()].filter((n) => n >= 50).length).toBeGreaterThanOrEqual(5);

    const hourOf = (c: PlannedCall) => Math.floor(8 + c.simSeconds / 3600) % 24;
    const night = calls.filter((c) => [1, 2, 3, 4].includes(hourOf(c))).length;
    const afternoon = calls.filter((c) => [14, 15, 16, 17].includes(hourOf(c))).length;
    expect(afternoon).toBeGreaterThan(night * 4);
  });
});

describe('against a real server', () => {
  it('logs the planned calls, creates the real incidents with their call, and dispatches some', async () => {
    const planned = await simulator(['--dry-run', '--seed', '112', '--max-calls', '40']);
    const lines = await simulator([
      ...['--url', server.url, '--key', server.demo.keys.dispatcher],
      ...['--seed', '112', '--max-calls', '40', '--speed', '10000000', '--minutes', '2', '--json'],
    ]);
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ done: true, calls: 40, errors: 0 });
    const played = lines.filter((l) => l.n !== undefined && l.callId);
    // Same seed, same sequence: what was sent is exactly the dry-run plan.
    expect(
      played.map(({ n, outcome, callerNumber, category }) => ({ n, outcome, callerNumber, category })),
    ).toEqual(
      planned.map(({ n, outcome, callerNumber, category }) => ({ n, outcome, callerNumber, category })),
    );

    const calls: Call[] = [];
    for await (const c of dispatcher.calls.list({ limit: 100 })) calls.push(c);
    expect(calls).toHaveLength(40);
    const count = (list: { outcome: string | null }[], outcome: string) =>
      list.filter((c) => c.outcome === outcome).length;
    for (const outcome of ['prank', 'silent', 'misdial', 'incident']) {
      expect(count(calls, outcome)).toBe(count(planned, outcome));
    }
    const prankShare = (40 - count(calls, 'incident')) / 40;
    expect(prankShare).toBeGreaterThan(0.65);
    expect(prankShare).toBeLessThan(0.95);
    expect(calls.every((c) => c.endedAt !== null)).toBe(true);

    const incidents: Incident[] = [];
    for await (const i of dispatcher.incidents.list({ limit: 100 })) incidents.push(i);
    const real = planned.filter((c) => c.outcome === 'incident');
    expect(incidents.map((i) => i.category).sort()).toEqual(real.map((c) => c.category).sort());
    const callIds = new Set(calls.filter((c) => c.outcome === 'incident').map((c) => c.id));
    for (const incident of incidents) {
      expect(callIds.has(incident.callId!)).toBe(true);
      expect(incident.location.point).not.toBeNull();
    }
    // The dispatcher accepted the recommendation for the planned share (when a unit was free).
    const dispatchedIds = new Set(played.filter((l) => l.dispatched?.length).map((l) => l.incidentId));
    expect(dispatchedIds.size).toBeGreaterThan(0);
    for (const incident of incidents.filter((i) => dispatchedIds.has(i.id))) {
      expect(incident.assignments.length).toBeGreaterThan(0);
    }
  });

  it('refuses a non-local server unless told otherwise', async () => {
    const error = await simulator([
      '--url',
      'https://sigap.example.go.id',
      '--key',
      'x',
      '--max-calls',
      '1',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 64 });
    expect((error as { stderr: string }).stderr).toMatch(/--allow-remote/);
  });
});
