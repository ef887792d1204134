import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/db/index.js';
import { fold, normaliseAddress, phrasesOf } from '../src/geocoding/normalise.js';
import { areasAtPoints, gazetteerSearch, trigramThresholds } from '../src/geocoding/sql.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/**
 * The geocoder's own queries (from geocoding/sql.ts, not look-alikes) must be answered through
 * their indexes on both backends: the trigram GIN indexes for names, GiST for points in
 * polygons and nearest desa points. A tenant with 10,000 desa and 10,000 places, analysed,
 * is enough for the planner to prefer them.
 */
let t: TestDatabase;

// Made-up desa names from syllables, so that trigrams vary like real names do.
const SYLLABLES = `ARRAY['ke','dung','su','ko','wa','ru','tam','bak','re','jo','si','do','mul','yo','ba','lo','ngan',
  'pa','sar','gu','nung','kali','we','tan','ku','lon','sem','bung','ra','pi']`;
const NAME = (n: string) =>
  `initcap((${SYLLABLES})[1 + ${n} % 30] || (${SYLLABLES})[1 + (${n} / 30) % 30] || (${SYLLABLES})[1 + (${n} / 900) % 30])`;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.query(
    `INSERT INTO tenants (id, name, time_zone, number_prefix) VALUES ('99.01', 'Kabupaten Uji', 'Asia/Jakarta', 'UJI')`,
  );
  await t.db.query(
    `INSERT INTO areas (tenant_id, code, level, name, parent_code, boundary, point)
     SELECT '99.01', format('99.01.%s.%s', lpad(x::text, 2, '0'), lpad((1000 + y)::text, 4, '0')), 'desa',
            ${NAME('(x * 100 + y) * 7919 % 27000')}, '99.01.' || lpad(x::text, 2, '0'),
            ST_Multi(ST_MakeEnvelope(112 + x * 0.01, -7 - (y + 1) * 0.01, 112 + (x + 1) * 0.01, -7 - y * 0.01, 4326)),
            ST_SetSRID(ST_MakePoint(112.005 + x * 0.01, -7.005 - y * 0.01), 4326)
       FROM generate_series(0, 99) AS x, generate_series(0, 99) AS y`,
  );
  await t.db.query(
    `INSERT INTO places (tenant_id, kind, name, point, source, source_id, search_key)
     SELECT '99.01', 'market', 'Pasar ' || n, ST_SetSRID(ST_MakePoint(112 + (i % 100) * 0.01, -7 - (i / 100) * 0.01), 4326),
            'test', i::text, sigap_compact('pasar ' || n)
       FROM (SELECT i, ${NAME('i * 104729 % 27000')} AS n FROM generate_series(0, 9999) AS i) s`,
  );
  await t.db.exec('ANALYZE areas; ANALYZE places');
});
afterAll(() => t?.destroy());

async function explain(tx: Queryable, q: { text: string; values: unknown[] }): Promise<string> {
  const { rows } = await tx.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${q.text}`, q.values);
  return JSON.stringify(rows[0]);
}

/** Tables the plan reads in full: none of the gazetteer's may be. */
function seqScans(plan: string): string[] {
  const found: string[] = [];
  const walk = (node: { 'Node Type': string; 'Relation Name'?: string; Plans?: unknown[] }) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) found.push(node['Relation Name']);
    for (const child of node.Plans ?? []) walk(child as typeof node);
  };
  walk((JSON.parse(plan) as { 'QUERY PLAN': [{ Plan: Parameters<typeof walk>[0] }] })['QUERY PLAN'][0].Plan);
  return found;
}

describe(`geocoding indexes`, () => {
  it('forward geocoding looks names up through the trigram GIN indexes', async () => {
    const { rows } = await t.db.query<{ name: string; code: string }>(
      `SELECT name, code FROM areas WHERE tenant_id = '99.01' ORDER BY code OFFSET 4321 LIMIT 1`,
    );
    const target = rows[0]!;
    // A typo: the last letter doubled; and a market by its split name.
    const query = `desa ${target.name}${target.name.slice(-1)} dekat pasar ${target.name.slice(0, 4)} ${target.name.slice(4)}`;
    const phrases = phrasesOf(normaliseAddress(query).tokens);
    await t.db.transaction(async (tx) => {
      await tx.query(trigramThresholds().text);
      const plan = await explain(tx, gazetteerSearch('99.01', phrases, 5));
      expect(plan).toContain('areas_compact_name_trgm');
      expect(plan).toContain('places_search_trgm');
      expect(seqScans(plan)).toEqual([]);
      const found = await tx.query<{ desa_code: string | null }>(
        gazetteerSearch('99.01', phrases, 20).text,
        gazetteerSearch('99.01', phrases, 20).values,
      );
      expect(found.rows.map((r) => r.desa_code)).toContain(target.code);
    });
  });

  it('reverse geocoding finds areas through the GiST indexes (point in polygon, nearest point)', async () => {
    const plan = await explain(t.db, areasAtPoints('99.01', [{ lon: 112.255, lat: -7.255 }]));
    expect(plan).toContain('areas_boundary_gist');
    expect(plan).toContain('areas_point_gist');
    expect(seqScans(plan)).toEqual([]);
  });

  it('folds text in the database exactly as the normaliser does', async () => {
    const samples = ['Kéc. TAMÁN', 'Jatialun-alun', 'ŞİDOARJO çàfé', 'Ñgelom'];
    const { rows } = await t.db.query<{ folded: string[] }>(
      'SELECT array_agg(sigap_fold(s) ORDER BY i) AS folded FROM unnest($1::text[]) WITH ORDINALITY AS u (s, i)',
      [samples],
    );
    expect(rows[0]!.folded).toEqual(samples.map(fold));
  });
});
