/**
 * examples/agency-app against a real server: with Damkar's key it acknowledges a fire assigned
 * to Damkar, drives a unit there (unit.position events), reports on_scene and resolves it,
 * within a bounded time, and stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type SigapClient } from '@sigap/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertSdkBuilt, type RunningServer, SIDOARJO_TOWN, startServer } from './helpers/server.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
// Node 20 has WebSocket only behind a flag; without it the app would poll (also fine, slower).
const NODE_FLAGS = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];

let server: RunningServer;
let dispatcher: SigapClient;
let app: ChildProcess | undefined;
const lines: Record<string, unknown>[] = [];
let stderr = '';

beforeAll(async () => {
  assertSdkBuilt();
  server = await startServer();
  dispatcher = createClient({ baseUrl: server.url, apiKey: server.demo.keys.dispatcher });
});
afterAll(async () => {
  if (app && app.exitCode === null) app.kill('SIGKILL');
  await server?.stop();
});

describe('examples/agency-app', () => {
  it('acknowledges, drives to and resolves a fire assigned to Damkar', async () => {
    app = spawn(
      process.execPath,
      [
        ...NODE_FLAGS,
        'examples/agency-app/index.mjs',
        ...[
          '--url',
          server.url,
          '--key',
          server.demo.keys.agency,
          '--speed',
          '400',
          '--minutes',
          '2',
          '--json',
        ],
      ],
      { cwd: REPO, env: { ...process.env, SIGAP_DATA_DIR: '/nonexistent/sigap-test/data' } },
    );
    let buffer = '';
    app.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
    });
    app.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const steps = () => lines.map((l) => l.step);
    await vi.waitFor(() => expect(steps()).toContain('ready'), { timeout: 15_000 });
    await vi.waitFor(
      () => expect(lines).toContainEqual(expect.objectContaining({ step: 'connection', status: 'live' })),
      {
        timeout: 15_000,
      },
    );
    expect(lines.find((l) => l.step === 'ready')).toMatchObject({ agency: 'DAMKAR-SDA' });

    // A fire ~2 km from the nearest Damkar post: the dispatcher accepts the recommendation.
    const submitted = await dispatcher.incidents.submit({
      category: 'fire',
      description: 'Kebakaran rumah, api sudah besar',
      location: { point: SIDOARJO_TOWN, accuracyM: 10, source: 'device_gps', address: 'Jl. Gajah Mada' },
    });
    if (submitted.queued) throw new Error('not queued: the server is up');
    const dispatched = await dispatcher.incidents.dispatch(submitted.incident.id, {
      acceptRecommendation: true,
    });
    const damkar = dispatched.assignments.find((a) => a.agencyCode === 'DAMKAR-SDA')!;
    expect(damkar).toBeDefined();

    await vi.waitFor(
      async () => {
        const incident = await dispatcher.incidents.get(submitted.incident.id);
        expect(incident.assignments.find((a) => a.id === damkar.id)?.status).toBe('resolved');
      },
      { timeout: 30_000, interval: 250 },
    );
    const mine = lines.filter((l) => l.assignmentId === damkar.id).map((l) => l.step);
    expect(mine).toEqual(['acknowledged', 'en_route', 'on_scene', 'resolved']);

    const events = [];
    for await (const e of dispatcher.incidents.events(submitted.incident.id)) events.push(e);
    const progress = events
      .filter((e) => e.type === 'assignment.status_changed' && e.assignmentId === damkar.id)
      .map((e) => e.payload.to);
    expect(progress).toEqual(['acknowledged', 'en_route', 'on_scene', 'resolved']);
    const incident = await dispatcher.incidents.get(submitted.incident.id);
    const resolved = incident.assignments.find((a) => a.id === damkar.id)!;
    expect(resolved.acknowledgedAt).not.toBeNull();

    // The unit drove to the fire: its last position is the incident's point.
    const unit = await dispatcher.units.get(resolved.unitId ?? (lines.find((l) => l.unit)?.unit as string));
    expect(unit.location.lon).toBeCloseTo(SIDOARJO_TOWN.lon, 4);
    expect(unit.location.lat).toBeCloseTo(SIDOARJO_TOWN.lat, 4);

    // Ctrl+C (SIGTERM here): closes its live subscription and exits 0.
    const exited = new Promise<number | null>((resolve) => app!.once('exit', (code) => resolve(code)));
    app.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(steps().at(-1)).toBe('stopped');
    expect(stderr).toBe('');
  });
});
