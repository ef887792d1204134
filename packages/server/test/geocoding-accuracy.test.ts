import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_EXTERNAL_GEOCODER } from '../src/geocoding/providers/index.js';
import { forwardGeocode } from '../src/geocoding/service.js';
import { dataDir } from '../src/paths.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { seedDemoTenant } from './helpers/tenant.js';

/**
 * Accuracy of the gazetteer on call-taker style addresses of Kabupaten Sidoarjo
 * (data/demo/sidoarjo/geocoding-testset.json): the top candidate's kecamatan and desa against
 * the expected codes. Targets: kecamatan ≥ 95 %, desa ≥ 85 %. The rates are printed so that a
 * change to the normaliser or the ranking shows what it gained or lost.
 */
interface Item {
  q: string;
  kecamatan: string;
  desa: string;
}

const TARGET_KECAMATAN = 0.95;
const TARGET_DESA = 0.85;

let t: TestDatabase;
let items: Item[];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoTenant(t.db);
  const file = join(dataDir, 'demo/sidoarjo/geocoding-testset.json');
  items = (JSON.parse(await readFile(file, 'utf8')) as { items: Item[] }).items;
});
afterAll(() => t?.destroy());

describe('gazetteer accuracy on the Sidoarjo test set', () => {
  it('has at least 150 addresses whose codes are official areas of the demo tenant', async () => {
    expect(items.length).toBeGreaterThanOrEqual(150);
    const { rows } = await t.db.query<{ code: string; parent_code: string }>(
      `SELECT code, parent_code FROM areas WHERE tenant_id = '35.15' AND level = 'desa'`,
    );
    const parent = new Map(rows.map((r) => [r.code, r.parent_code]));
    for (const item of items) expect(parent.get(item.desa), item.q).toBe(item.kecamatan);
  });

  it(`finds the kecamatan (≥ ${TARGET_KECAMATAN * 100} %) and the desa (≥ ${TARGET_DESA * 100} %) first`, async () => {
    let kecamatanHits = 0;
    let desaHits = 0;
    const misses: string[] = [];
    for (const item of items) {
      const result = await forwardGeocode(t.db, '35.15', item.q, 3, NO_EXTERNAL_GEOCODER);
      const top = result.candidates[0];
      const kecOk = top?.areaCodes.kecamatan === item.kecamatan;
      const desaOk = top?.areaCodes.desa === item.desa;
      if (kecOk) kecamatanHits++;
      if (desaOk) desaHits++;
      if (!desaOk) {
        misses.push(
          `  ${kecOk ? 'desa' : 'kec '} "${item.q}" → ${top ? `${top.label} (${top.confidence})` : 'nothing'}; want ${item.desa}`,
        );
      }
    }
    const kecamatanRate = kecamatanHits / items.length;
    const desaRate = desaHits / items.length;
    console.log(
      `[geocoding accuracy, ${t.backend}] ${items.length} addresses: top-1 kecamatan ${(kecamatanRate * 100).toFixed(1)} %, ` +
        `top-1 desa ${(desaRate * 100).toFixed(1)} %${misses.length ? `\n${misses.join('\n')}` : ''}`,
    );
    expect(kecamatanRate).toBeGreaterThanOrEqual(TARGET_KECAMATAN);
    expect(desaRate).toBeGreaterThanOrEqual(TARGET_DESA);
  }, 180_000);
});
