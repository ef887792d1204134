import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { importCommand } from '../src/imports/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { seedDemoTenant } from './helpers/tenant.js';

/**
 * `sigap import` as cli.ts runs it: its own database connection, one summary line, one line per
 * rejected feature, and the exit code. (The bundle itself is exercised by cli.test.ts.)
 */
let t: TestDatabase;
let dir: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoTenant(t.db);
  // The command opens the database itself; PGlite allows one opener at a time.
  await t.db.close();
  dir = await mkdtemp(join(tmpdir(), 'sigap-import-'));
});
afterAll(async () => {
  await t?.destroy();
  await rm(dir, { recursive: true, force: true });
});

const config = () =>
  loadConfig(
    t.url
      ? { DATABASE_URL: t.url, LOG_LEVEL: 'silent' }
      : { SIGAP_DATA_DIR: t.dataDir!, LOG_LEVEL: 'silent' },
  );

async function run(args: string[], options: Record<string, unknown>) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line));
  try {
    return { code: await importCommand(config(), args, options), output: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('sigap import', { timeout: 180_000 }, () => {
  it('refuses bad usage with 64 before touching the database', async () => {
    expect((await run(['things', 'x.geojson'], { tenant: '35.15' })).code).toBe(64);
    expect((await run(['places'], { tenant: '35.15' })).code).toBe(64);
    const noTenant = await run(['places', 'x.geojson'], {});
    expect(noTenant).toMatchObject({ code: 64, output: expect.stringContaining('--tenant') });
  });

  it('imports a file in one go, prints the summary, and exits 65 when features were rejected', async () => {
    const file = join(dir, 'pasar.geojson');
    await writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'Pasar Bohar', kind: 'market', desa_code: '35.15.13.2001' },
            geometry: { type: 'Point', coordinates: [112.672, -7.368] },
          },
          { type: 'Feature', properties: { name: 'Pasar Tanpa Titik', kind: 'market' }, geometry: null },
        ],
      }),
    );
    const first = await run(['places', file], { tenant: '35.15' });
    expect(first.code).toBe(65);
    expect(first.output).toContain('feature 1: rejected: has no geometry');
    expect(first.output).toMatch(
      /places from .*pasar\.geojson into 35\.15: 1 inserted, 0 updated, 0 unchanged, 1 rejected$/,
    );
    const missing = await run(['places', join(dir, 'nope.csv')], { tenant: '35.15', 'dry-run': true });
    expect(missing).toMatchObject({ code: 65, output: expect.stringMatching(/cannot read .*nope\.csv/) });
  });
});
