/**
 * test/consumers/node-submit-track.mjs runs in its own Node process against a listening
 * server, importing packages/sdk/dist (the built output): it submits an incident with a GPS
 * location and tracks it until a dispatcher changes its status. Once with the WebSocket
 * (`--experimental-websocket`), once without (the SDK falls back to polling).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from '@sigap/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSdkBuilt, type RunningServer, startServer } from './helpers/server.js';

let server: RunningServer;
beforeAll(async () => {
  assertSdkBuilt();
  server = await startServer();
});
afterAll(() => server?.stop());

const script = fileURLToPath(new URL('./consumers/node-submit-track.mjs', import.meta.url));
type Line = { step: string; [key: string]: unknown };

/** Runs the script; when it reports the incident and a connection, a dispatcher dispatches it. */
function run(flags: string[]): Promise<{ code: number | null; lines: Line[] }> {
  const child = spawn(process.execPath, [...flags, script], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      SIGAP_URL: server.url,
      SIGAP_KEY: server.demo.keys.call_taker,
      SIGAP_POLL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Line[] = [];
  const dispatcher = createClient({ baseUrl: server.url, apiKey: server.demo.keys.dispatcher });
  let acted = false;
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    const submitted = lines.find((l) => l.step === 'submitted');
    if (
      !acted &&
      submitted &&
      line.step === 'connection' &&
      (line.status === 'live' || line.status === 'polling')
    ) {
      acted = true;
      const agencyId = server.demo.agencies['DAMKAR-SDA'] ?? Object.values(server.demo.agencies)[0]!;
      void dispatcher.incidents.dispatch(submitted.id as string, { assignments: [{ agencyId }] });
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, lines })));
}

describe('a Node script on the built SDK', () => {
  it('submits with GPS and tracks to a status change over WebSocket', async () => {
    const { code, lines } = await run(['--experimental-websocket']);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ step: 'submitted', status: 'verified', hasWebSocket: true });
    expect(lines.filter((l) => l.step === 'connection').map((l) => l.status)).toEqual(['live', 'closed']);
    expect(lines.filter((l) => l.step === 'update').map((l) => l.status)).toEqual(['verified', 'dispatched']);
    expect(lines.at(-1)).toMatchObject({ step: 'done', status: 'dispatched' });
  });

  it('does the same by polling where the runtime has no WebSocket', async () => {
    const { code, lines } = await run([]);
    expect(code).toBe(0);
    const hasWebSocket = lines[0]?.hasWebSocket; // Node 20 without the flag: none; Node >= 22: one
    const connection = lines.filter((l) => l.step === 'connection').map((l) => l.status);
    expect(connection).toEqual([hasWebSocket ? 'live' : 'polling', 'closed']);
    expect(lines.at(-1)).toMatchObject({ step: 'done', status: 'dispatched' });
  });
});
