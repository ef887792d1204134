import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationStatus } from '../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let t: TestDatabase;
let scratch: string;

beforeAll(async () => {
  t = await createTestDatabase();
  scratch = await mkdtemp(join(tmpdir(), 'sigap-migrations-'));
});
afterAll(async () => {
  await t?.destroy();
  await rm(scratch, { recursive: true, force: true });
});

describe('migrations', () => {
  it('leaves nothing pending on a migrated database, and a second run applies nothing', async () => {
    const before = await migrationStatus(t.db);
    expect(before.pending).toEqual([]);
    expect(before.applied).toContain('0001_foundation.sql');
    expect(await migrate(t.db)).toEqual([]);
  });

  it('installs PostGIS, pg_trgm and unaccent on this backend', async () => {
    const capabilities = await t.db.detectCapabilities();
    expect(capabilities.postgisVersion).toMatch(/^3\./);
    expect(capabilities.trigram).toBe(true);
    expect(capabilities.unaccent).toBe(true);
    // Detected by calling ST_AsMVT: real PostGIS has it, PGlite's build has no protobuf.
    expect(capabilities.mvt).toBe(t.backend === 'postgres');
  });

  it('applies a failing migration not at all: earlier ones stay, the failed one is neither applied nor recorded', async () => {
    const dir = join(scratch, 'failing');
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE mig_first (id int);');
    await writeFile(
      join(dir, '0002_broken.sql'),
      'CREATE TABLE mig_second (id int); INSERT INTO mig_second VALUES (1); SELECT no_such_function();',
    );
    await expect(migrate(t.db, dir)).rejects.toThrow(/no_such_function/);
    const status = await migrationStatus(t.db, dir);
    expect(status.pending).toEqual(['0002_broken.sql']);
    const tables = await t.db.query<{ name: string | null }>(
      `SELECT to_regclass('mig_first')::text AS name UNION ALL SELECT to_regclass('mig_second')::text`,
    );
    expect(tables.rows.map((r) => r.name)).toEqual(['mig_first', null]);
  });

  it('is safe when two runs race: each migration is applied exactly once', async () => {
    const dir = join(scratch, 'racing');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(
      join(dir, '0001_counter.sql'),
      'CREATE TABLE mig_counter (n int); INSERT INTO mig_counter VALUES (1);',
    );
    await writeFile(join(dir, '0002_more.sql'), 'INSERT INTO mig_counter VALUES (2);');
    const [a, b] = await Promise.all([migrate(t.db, dir), migrate(t.db, dir)]);
    const { rows } = await t.db.query<{ n: number }>('SELECT n FROM mig_counter ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([1, 2]);
    // Between them the two runs report each migration once (who applied which depends on timing).
    expect([...a, ...b].sort()).toEqual(['0001_counter.sql', '0002_more.sql']);
  });
});
