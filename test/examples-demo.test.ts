/**
 * `pnpm demo` (examples/demo.mjs) as a user runs it, on a fresh embedded data directory: the
 * built server starts with the demo tenant, the banner prints the URLs (wall-board with the
 * viewer key), the call simulator fills the board with incidents, and Ctrl+C stops everything
 * with exit 0. Bounded: --minutes, and the test kills what is left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sigap-demo-test-'));
let demo: ChildProcess | undefined;

afterAll(() => {
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/demo.mjs', () => {
  it('starts the server, the simulator and Damkar, prints the URLs, fills the board, stops on Ctrl+C', async () => {
    // The demo always runs the embedded backend in its own data directory here.
    const env: Record<string, string | undefined> = { ...process.env, SIGAP_DATA_DIR: join(dir, 'data') };
    delete env.DATABASE_URL;
    demo = spawn(
      process.execPath,
      ['examples/demo.mjs', '--port', '0', '--minutes', '3', '--speed', '3000', '--agency-speed', '200'],
      { cwd: REPO, env },
    );
    let out = '';
    demo.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    demo.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));

    // Deadlines catch hangs only: the embedded start-up (migrations, demo data) is slow on a busy machine.
    await vi.waitFor(() => expect(out).toContain('Ctrl+C'), { timeout: 300_000, interval: 250 });
    const api = out.match(/API:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/)![1]!;
    const keys = JSON.parse(readFileSync(join(dir, 'demo-keys.json'), 'utf8')) as {
      name: string;
      secret: string;
    }[];
    const key = (name: string) => keys.find((k) => k.name === name)!.secret;
    expect(out).toContain(`API docs:    ${api}/docs`);
    expect(out).toContain(`Wall-board:  ${api}/board#key=${key('Demo wall-board')}`);

    // The simulator's calls become incidents on the board; Damkar's app picks up its own.
    const headers = { authorization: `Bearer ${key('Demo dispatcher')}` };
    await vi.waitFor(
      async () => {
        const page = (await (await fetch(`${api}/v1/incidents?limit=50`, { headers })).json()) as {
          items: { category: string }[];
        };
        expect(page.items.length).toBeGreaterThanOrEqual(3);
      },
      { timeout: 180_000, interval: 500 },
    );
    expect(out).toMatch(/112-sim\s+│ \[H1 \d\d:\d\d\] #1 /);
    expect(out).toMatch(/damkar\s+│ .*DAMKAR-SDA app ready/);

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('Selesai / done.');
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  }, 600_000);
});
