import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedDb } from '../src/db/embedded.js';
import { packageRoot } from '../src/paths.js';

/**
 * The CLI as a user runs it: the built bundle (`pnpm test` builds first), a real process,
 * real signals. Start-up failures must be one line naming the variable, within 10 s.
 */
const cli = join(packageRoot, 'dist/cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sigap ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Starts `sigap serve` and resolves once it prints its API URL. */
function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', '--demo'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 300_000);
    const onData = (d: Buffer) => {
      output += d;
      const match = /API:\s+(http:\/\/\S+)\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "pnpm build" (pnpm test does it for you)`);
});

describe('sigap CLI start-up errors', { timeout: 180_000 }, () => {
  it.each([
    [
      { DATABASE_URL: 'mysql://localhost/sigap' },
      /^sigap: configuration error: DATABASE_URL: must start with postgres:\/\//,
    ],
    [{ PORT: 'eighty' }, /^sigap: configuration error: PORT: /],
    [{ SIGAP_DEMO: 'perhaps' }, /^sigap: configuration error: SIGAP_DEMO: /],
  ])('stops on %o with one line and exit code 78', async (env, pattern) => {
    const result = await run(['serve'], env);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\bat \S+:\d+/); // no stack trace
  });

  it('stops with one line when DATABASE_URL is unreachable, without printing the password', async () => {
    const result = await run(['serve'], {
      DATABASE_URL: 'postgres://sigap:hunter2@127.0.0.1:1/sigap',
      DATABASE_CONNECT_TIMEOUT_MS: '3000',
    });
    expect(result.code).toBe(78);
    // Its own connect timeout is 3 s; the deadline only tells "gave up" from "hung" on a busy machine.
    expect(result.ms).toBeLessThan(60_000);
    expect(result.stderr).toMatch(
      /^sigap: DATABASE_URL: cannot connect to postgres:\/\/sigap:\*\*\*@127\.0\.0\.1:1\/sigap: .*ECONNREFUSED/,
    );
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects an unknown command with usage and exit code 64', async () => {
    const result = await run(['fly'], {});
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('unknown command "fly"');
  });
});

describe('sigap serve on the embedded backend', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'sigap-cli-'));
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('starts with the demo tenant, shuts down cleanly on SIGTERM, and keeps its data across a restart', async () => {
    const dataDir = join(parent, 'data');
    const first = await serve({ SIGAP_DATA_DIR: dataDir });
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', backend: 'embedded' });

    // A second process on the same directory would corrupt it: it must refuse to start.
    const intruder = await run(['serve'], { SIGAP_DATA_DIR: dataDir, PORT: '0' });
    expect(intruder.code).toBe(78);
    expect(intruder.stderr).toMatch(
      /^sigap: SIGAP_DATA_DIR: the embedded database in .* is in use by process \d+/,
    );

    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);

    // The first start prints the demo keys and the board URL with the viewer key in its fragment.
    expect(first.output()).toMatch(/Wall-board:\s+http:\/\/127\.0\.0\.1:\d+\/board#key=sgp_\S+/);
    expect(first.output()).toMatch(/viewer\s+sgp_/);

    const second = await serve({ SIGAP_DATA_DIR: dataDir });
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    // A restart creates no new keys but still opens the board with the saved viewer key.
    expect(second.output()).not.toMatch(/viewer\s+sgp_/);
    expect(second.output()).toMatch(/Wall-board:\s+\S+\/board#key=sgp_\S+/);
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);

    // What the first start created is still there, and the restart added nothing twice.
    const db = await openEmbeddedDb(dataDir);
    try {
      const tenants = await db.query<{ id: string; name: string }>('SELECT id, name FROM tenants');
      expect(tenants.rows).toEqual([{ id: '35.15', name: 'Kabupaten Sidoarjo' }]);
      const areas = await db.query<{ level: string; n: number }>(
        `SELECT level, count(*)::int AS n FROM areas WHERE tenant_id = '35.15' GROUP BY level ORDER BY level`,
      );
      expect(areas.rows).toEqual([
        { level: 'desa', n: 346 },
        { level: 'kabupaten', n: 1 },
        { level: 'kecamatan', n: 18 },
      ]);
    } finally {
      await db.close();
    }
  }, 900_000);
});
