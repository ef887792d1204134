import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../src/reports/csv.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';
import { buildHistory, type History, RANGE, SIDOARJO, TAMAN } from './reports-fixture.js';

/** CSV and GeoJSON exports, hotspots, roles and input validation. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;
let history: History;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
  history = await buildHistory(app, t, demo, other);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const get = (url: string, headers: Record<string, string> = {}, key = demo.keys.viewer) =>
  app.inject({ url, headers: { ...bearer(key), ...headers } });

/** The CSV's lines after checking the byte-order mark and CRLF line ends. */
function lines(body: string): string[] {
  expect(body.startsWith('\uFEFF')).toBe(true);
  expect(body.endsWith('\r\n')).toBe(true);
  expect(body.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  return body.slice(1, -2).split('\r\n');
}

describe('CSV', () => {
  it('quotes per RFC 4180 and neutralises formulas, only in text cells', () => {
    expect(csvCell('Damkar, Pos "Utama"')).toBe('"Damkar, Pos ""Utama"""');
    expect(csvCell('baris\nbaru')).toBe('"baris\nbaru"');
    for (const formula of ['=1+1', '+62812', '-2', '@SUM(A1)', '\t=1'])
      expect(csvCell(formula)).toBe(`'${formula}`);
    expect(csvCell('=HYPERLINK("http://x","klik")')).toBe(`"'=HYPERLINK(""http://x"",""klik"")"`);
    expect([csvCell(-2), csvCell(0.5), csvCell(null), csvCell('Taman')]).toEqual(['-2', '0.5', '', 'Taman']);
    expect(toCsv(['A', 'B'], [['x', 1]])).toBe('\uFEFFA,B\r\nx,1\r\n');
  });

  it('exports the calls table with Indonesian headers, UTF-8 BOM and a download name', async () => {
    const res = await get(`/v1/reports/summary?${RANGE}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="sigap112-ringkasan-calls-2026-03-01_2026-03-04.csv"',
    );
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(lines(res.body)).toEqual([
      'Periode,Kanal,Jumlah,Kejadian,Iseng,Diam,Salah sambung,Informasi,Duplikat,Bukan darurat,' +
        'Persentase gangguan (iseng+diam+salah sambung),Persentase iseng',
      '2026-03-01,Semua,4,2,1,1,0,0,0,0,50,25',
      '2026-03-01,Telepon 112,2,1,1,0,0,0,0,0,50,50',
      '2026-03-01,Aplikasi,1,1,0,0,0,0,0,0,0,0',
      '2026-03-01,SMS,1,0,0,1,0,0,0,0,100,0',
      '2026-03-02,Semua,5,1,1,0,1,1,1,0,40,20',
      '2026-03-02,Telepon 112,4,1,1,0,1,0,1,0,50,25',
      '2026-03-02,Datang langsung,1,0,0,0,0,1,0,0,0,0',
      '2026-03-03,Semua,2,0,1,0,0,0,0,1,50,50',
      '2026-03-03,Telepon 112,1,0,1,0,0,0,0,0,100,100',
      '2026-03-03,Web,1,0,0,0,0,0,0,1,0,0',
      'Semua,Semua,11,3,3,1,1,1,1,1,45.45,27.27',
    ]);
  });

  it('exports the handling, incidents and hand-off tables, the hostile ticket made harmless', async () => {
    const handling = lines((await get(`/v1/reports/summary?${RANGE}&format=csv&section=handling`)).body);
    expect(handling[0]).toBe('Periode,Ukuran,Jumlah,Median (detik),P90 (detik),Dalam 60 detik (%)');
    expect(handling.slice(-2)).toEqual([
      'Semua,Panggilan dijawab sampai kejadian dibuat,3,50,106,66.67',
      'Semua,Kejadian dibuat sampai penugasan pertama,5,60,414,60',
    ]);
    const incidents = lines((await get(`/v1/reports/summary?${RANGE}&format=csv&section=incidents`)).body);
    expect(incidents.slice(0, 5)).toEqual([
      'Dimensi,Kode,Nama,Jumlah',
      'Total,,Kejadian dihitung,5',
      'Dikecualikan,merged,Digabung ke kejadian lain,1',
      'Dikecualikan,rejected,Ditolak (iseng),1',
      'Dibuka kembali,,Kejadian dibuka kembali,1',
    ]);
    expect(incidents).toContain('Kecamatan,,Tanpa kecamatan,2');
    expect(incidents).toContain('Kategori,traffic_accident,Kecelakaan lalu lintas,1');
    const handoffs = lines((await get(`/v1/reports/summary?${RANGE}&format=csv&section=handoffs`)).body);
    expect(handoffs[0]).toBe(
      'Nomor kejadian,Kategori,Kode instansi,Instansi,Nomor tiket,Dijanjikan (waktu setempat),Terlambat (jam),Status',
    );
    expect(handoffs[1]).toMatch(
      /^SDA-\d{8}-\d{4},power_outage,PLN-SDA,PLN UP3 Sidoarjo,"'=HYPERLINK\(""http:\/\/x"",""klik""\)",2026-03-03 10:00,\d+,acknowledged$/,
    );
  });

  it('exports the league table; agency names cannot smuggle formulas or break columns', async () => {
    await t.db.query(`UPDATE agencies SET name = '@Dinas "Lingkungan", Hidup' WHERE code = 'DLH-SDA'`);
    const res = await get(`/v1/reports/agencies?${RANGE}`, { accept: 'text/csv' });
    const rows = lines(res.body);
    expect(rows[0]).toBe(
      'Peringkat,Kode,Instansi,Jenis,Ditugaskan,Diterima,Dengan target terima,Diterima tepat waktu,Selesai,' +
        'Ditolak,Semua target terpenuhi,Target terlewat,Belum dinilai,Kepatuhan target (%),' +
        'Median waktu terima (menit),P90 waktu terima (menit),Median waktu tiba (menit),P90 waktu tiba (menit),' +
        'Median waktu selesai (menit),P90 waktu selesai (menit),Pelanggaran SLA,Dibuka kembali,Serah terima lewat janji',
    );
    expect(rows[3]).toBe(
      '3,DAMKAR-SDA,Dinas Pemadam Kebakaran Kabupaten Sidoarjo,OPD,2,1,2,1,1,0,1,1,0,50,1,1,10,10,40,40,0,0,0',
    );
    expect(rows[5]).toBe(
      '4,PSC119-SDA,PSC 119 Dinas Kesehatan Kabupaten Sidoarjo,OPD,1,1,1,0,1,0,0,1,0,0,3,3,12,12,42,42,1,0,0',
    );
    expect(rows).toContain(`,DLH-SDA,"'@Dinas ""Lingkungan"", Hidup",OPD,0,0,0,0,0,0,0,0,0,,,,,,,,0,0,0`);
    expect(rows).toHaveLength(16);
  });

  it('follows Accept (q values, wildcards) unless format says otherwise, and varies on it', async () => {
    const url = `/v1/reports/agencies?${RANGE}`;
    const type = async (headers: Record<string, string>, query = '') =>
      (await get(`${url}${query}`, headers)).headers['content-type'];
    expect(await type({ accept: 'text/csv' })).toBe('text/csv; charset=utf-8');
    expect(await type({ accept: 'text/csv;q=0.9, application/json;q=0.8' })).toBe('text/csv; charset=utf-8');
    expect(await type({ accept: 'application/json, text/csv;q=0.5' })).toMatch(/^application\/json/);
    expect(await type({ accept: '*/*' })).toMatch(/^application\/json/);
    expect(await type({ accept: 'text/csv' }, '&format=json')).toMatch(/^application\/json/);
    expect((await get(url)).headers.vary).toMatch(/Accept/);
  });
});

describe('hotspots', () => {
  it('counts incidents per kecamatan of the demo geometry, with names', async () => {
    const res = await get(`/v1/reports/hotspots?${RANGE}`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ level: 'kecamatan', cellM: 1000, crs: 'EPSG:32749', unknownArea: 2 });
    expect(report.areas).toEqual([
      { code: '35.15.08', name: 'Sidoarjo', count: 2 },
      { code: '35.15.13', name: 'Taman', count: 1 },
    ]);
    const csv = lines((await get(`/v1/reports/hotspots?${RANGE}&format=csv`)).body);
    expect(csv).toEqual([
      'Kode wilayah,Nama wilayah,Jumlah kejadian',
      '35.15.08,Sidoarjo,2',
      '35.15.13,Taman,1',
      ',Tanpa kecamatan,2',
    ]);
  });

  it('grids located incidents in metres: each cell centre within half a diagonal of its incidents', async () => {
    for (const cell of [100, 1000, 5000]) {
      const { grid, cellM } = (await get(`/v1/reports/hotspots?${RANGE}&cell=${cell}`)).json();
      expect(cellM).toBe(cell);
      // I1 and I4 share a point; I2 is 12 km away in Taman.
      expect(grid.features.map((f: { properties: { count: number } }) => f.properties.count)).toEqual([2, 1]);
      const [sidoarjo, taman] = grid.features.map(
        (f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates,
      );
      expect(metres(sidoarjo, SIDOARJO)).toBeLessThanOrEqual((cell * Math.SQRT2) / 2);
      expect(metres(taman, TAMAN)).toBeLessThanOrEqual((cell * Math.SQRT2) / 2);
    }
    const csv = lines((await get(`/v1/reports/hotspots?${RANGE}&format=csv&section=grid`)).body);
    expect(csv[0]).toBe('Bujur,Lintang,Jumlah kejadian');
    expect(csv.slice(1).map((l) => l.split(',')[2])).toEqual(['2', '1']);
  });

  it('counts per desa: located incidents near a desa point have one (approximate)', async () => {
    const report = (await get(`/v1/reports/hotspots?${RANGE}&level=desa`)).json();
    // I1 is at Sidoarjo town, within desaPointRadiusM of a desa point of Kecamatan Sidoarjo.
    const { rows } = await t.db.query<{ desa_code: string | null; desa_approximate: boolean }>(
      'SELECT desa_code, desa_approximate FROM incidents WHERE id = $1',
      [history.incidents.I1],
    );
    expect(rows[0]).toMatchObject({
      desa_code: expect.stringMatching(/^35\.15\.08\.\d{4}$/),
      desa_approximate: true,
    });
    expect(report.areas.map((a: { code: string }) => a.code)).toContain(rows[0]!.desa_code);
    const counted = report.areas.reduce((n: number, a: { count: number }) => n + a.count, 0);
    expect(counted + report.unknownArea).toBe(5); // the range's incidents (summary total)
    expect(report.unknownArea).toBeGreaterThanOrEqual(2); // the ones without a point
  });
});

/** Haversine distance in metres between [lon, lat] and a point. */
function metres([lon, lat]: number[], p: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((p.lat - lat!) * rad) / 2) ** 2 +
    Math.cos(lat! * rad) * Math.cos(p.lat * rad) * Math.sin(((p.lon - lon!) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

describe('GeoJSON export', () => {
  it('exports the located incidents of the range without names, phone numbers or free text', async () => {
    const res = await get(`/v1/reports/incidents.geojson?${RANGE}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    expect(res.body).not.toMatch(/81234567890|Budi|hubungi|Jl\. Raya|reporter/);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: { id: string }) => f.id)).toEqual([
      history.incidents.I1,
      history.incidents.I2,
      history.incidents.I4,
    ]);
    expect(fc.features[2]).toEqual({
      type: 'Feature',
      id: history.incidents.I4,
      geometry: { type: 'Point', coordinates: [SIDOARJO.lon, SIDOARJO.lat] },
      properties: {
        number: expect.stringMatching(/^SDA-/),
        category: 'power_outage',
        priority: 'P3',
        status: 'acknowledged',
        createdAt: '2026-03-02T16:59:30.000Z',
        localDate: '2026-03-02',
        kecamatanCode: '35.15.08',
        desaCode: expect.stringMatching(/^35\.15\.08\.\d{4}$/), // the nearest desa point's
        agencies: ['PLN-SDA'],
      },
    });
    expect(fc.features[1].properties.agencies).toEqual(['POLRI-SDA', 'PSC119-SDA']);
    const theirs = (await get(`/v1/reports/incidents.geojson?${RANGE}`, {}, other.keys.viewer)).json();
    expect(theirs.features).toEqual([]); // the neighbour's one incident has no point
  });
});

const URLS = ['summary', 'agencies', 'hotspots', 'incidents.geojson'].map((r) => `/v1/reports/${r}?${RANGE}`);

describe('roles', () => {
  it('lets admin, dispatcher, viewer and agency keys read; not call takers or integrators', async () => {
    for (const url of URLS) {
      expect((await app.inject({ url })).statusCode, url).toBe(401);
      for (const role of ['admin', 'dispatcher', 'viewer', 'agency'] as const)
        expect((await get(url, {}, demo.keys[role])).statusCode, `${role} ${url}`).toBe(200);
      for (const role of ['call_taker', 'integrator'] as const)
        expect((await get(url, {}, demo.keys[role])).statusCode, `${role} ${url}`).toBe(403);
    }
  });
});

describe('validation', () => {
  it('answers 400 naming the field, never 500', async () => {
    const cases: [string, string][] = [
      ['summary?from=2026-03-04&to=2026-03-01', '/query/to'],
      ['summary?from=2026-03-01&to=2026-03-01', '/query/to'],
      ['summary?from=2026-01-01&to=2027-02-06', '/query/to'], // 401 days
      ['agencies?from=2026-02-30&to=2026-03-04', '/query/from'],
      ['agencies?from=2026-3-1&to=2026-03-04', '/query/from'],
      ['summary?from=2026-03-01', '/query/to'],
      ['summary?from=2026-03-01&to=2026-03-04&groupBy=year', '/query/groupBy'],
      ['summary?from=2026-03-01&to=2026-03-04&section=secrets', '/query/section'],
      ['summary?from=2026-03-01&to=2026-03-04&tz=UTC', '/query/tz'],
      ['hotspots?from=2026-03-01&to=2026-03-04&cell=10', '/query/cell'],
      ['hotspots?from=2026-03-01&to=2026-03-04&level=rt', '/query/level'],
      ['agencies?from=2026-03-01&to=2026-03-04&format=xlsx', '/query/format'],
      ["incidents.geojson?from=2026-03-01'--&to=2026-03-04", '/query/from'],
    ];
    for (const [query, path] of cases) {
      const res = await get(`/v1/reports/${query}`);
      expect(res.statusCode, `${query} → ${res.body}`).toBe(400);
      expect(
        res.json().details.map((d: { path: string }) => d.path),
        query,
      ).toContain(path);
    }
    expect((await get('/v1/reports/summary?from=2026-01-01&to=2027-02-05')).statusCode).toBe(200); // 400 days
  });
});
