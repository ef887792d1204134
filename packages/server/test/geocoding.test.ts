import { ROLES } from '@sigap/contract';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/** GET /v1/geocode and /v1/geocode/reverse through the real app, on the demo tenant. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const geocode = (q: string, key = demo.keys.call_taker, extra = '') =>
  app.inject({ url: `/v1/geocode?q=${encodeURIComponent(q)}${extra}`, headers: bearer(key) });
const reverse = (query: string, key = demo.keys.call_taker) =>
  app.inject({ url: `/v1/geocode/reverse?${query}`, headers: bearer(key) });

describe('GET /v1/geocode', () => {
  it('finds a desa from an address as typed, with its kecamatan, and says what it matched on', async () => {
    const res = await geocode('Ds. Geluran Kec Taman depan masjid');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ normalized: 'desa geluran kecamatan taman masjid', external: 'off' });
    expect(body.candidates[0]).toMatchObject({
      label: 'Geluran, Kec. Taman',
      matched: 'desa',
      source: 'gazetteer',
      areaCodes: { kabupaten: '35.15', kecamatan: '35.15.13', desa: '35.15.13.1015' },
      point: { lon: 112.687, lat: -7.361 },
    });
    expect(body.candidates[0].confidence).toBeGreaterThan(0.9);
  });

  it('finds imported places by name or alias, with their desa', async () => {
    const body = (await geocode('perum pondok jati blok AL sidoarjo')).json();
    expect(body.candidates[0]).toMatchObject({
      matched: 'place',
      placeKind: 'housing',
      source: 'place',
      label: 'Perumahan Pondok Jati (Pagerwojo, Kec. Buduran)',
      areaCodes: { desa: '35.15.15.2002', kecamatan: '35.15.15' },
    });
    expect(body.candidates[0].point).toBeDefined();
    const alias = (await geocode('terminal bungurasih')).json();
    expect(alias.candidates[0]).toMatchObject({ label: expect.stringContaining('Terminal Purabaya') });
  });

  it('returns every desa of an ambiguous name, with less confidence, and resolves it by the kecamatan', async () => {
    const ambiguous = (await geocode('janti')).json().candidates;
    expect(ambiguous.map((c: { areaCodes: { desa: string } }) => c.areaCodes.desa).sort()).toEqual([
      '35.15.01.2018',
      '35.15.09.2001',
      '35.15.18.2014',
    ]);
    expect(ambiguous[0].confidence).toBeLessThan(0.6);
    const resolved = (await geocode('janti kec waru')).json().candidates;
    expect(resolved[0].areaCodes.desa).toBe('35.15.18.2014');
    expect(resolved[0].confidence).toBeGreaterThan(ambiguous[0].confidence);
  });

  it('tolerates typos, split names and missing markers', async () => {
    for (const [q, desa] of [
      ['tangulangin kludan', '35.15.06.2014'],
      ['wadung asri waru', '35.15.18.2010'],
      ['kelurahan lemah putro', '35.15.08.1012'],
    ] as const) {
      expect((await geocode(q)).json().candidates[0]?.areaCodes.desa, q).toBe(desa);
    }
  });

  it('honours limit, and answers an address it cannot place with no candidates', async () => {
    expect((await geocode('janti', demo.keys.call_taker, '&limit=1')).json().candidates).toHaveLength(1);
    const none = (await geocode('zzqx qqzz')).json();
    expect(none.candidates).toEqual([]);
    expect((await geocode('depan dekat rt 3')).json()).toMatchObject({ normalized: '', candidates: [] });
  });

  it('answers 400, never 500, to bad input', async () => {
    for (const query of [
      '',
      'q=',
      'q=%20%20',
      `q=${'a'.repeat(501)}`,
      'q=x&limit=0',
      'q=x&limit=21',
      'q=x&foo=1',
    ]) {
      const res = await app.inject({ url: `/v1/geocode?${query}`, headers: bearer(demo.keys.dispatcher) });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe('SIGAP_ERR_VALIDATION');
    }
    expect((await geocode('a'.repeat(500))).statusCode).toBe(200);
    expect((await geocode("'; DROP TABLE places; -- %_\\")).statusCode).toBe(200);
    // The worst case: 500 characters of a syllable that is in dozens of names stays fast.
    const started = Date.now();
    expect((await geocode('kedung '.repeat(71))).statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('GET /v1/geocode/reverse', () => {
  it('gives the kecamatan by boundary and the nearest desa point within 2 km, marked approximate', async () => {
    const res = await reverse('lon=112.688&lat=-7.36');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      point: { lon: 112.688, lat: -7.36 },
      desa: { code: '35.15.13.1015', name: 'Geluran', approximate: true, distanceM: expect.any(Number) },
      kecamatan: { code: '35.15.13', name: 'Taman' },
      kabupaten: { code: '35.15', name: 'Kabupaten Sidoarjo' },
      insideTenant: true,
    });
  });

  it('gives no desa when no desa point is within 2 km, and nothing outside the tenant', async () => {
    // Jabon's north, 5 km or more from its two demo desa points.
    const far = (await reverse('lon=112.82&lat=-7.50')).json();
    expect(far.kecamatan?.code).toBe('35.15.05');
    expect(far.desa).toBeNull();
    const surabaya = (await reverse('lon=112.75&lat=-7.26')).json();
    expect(surabaya).toMatchObject({ desa: null, kecamatan: null, kabupaten: null, insideTenant: false });
  });

  it('answers 400 to coordinates out of range or not numbers', async () => {
    for (const query of [
      '',
      'lon=112.7',
      'lon=181&lat=-7',
      'lon=112&lat=-91',
      'lon=abc&lat=-7',
      'lon=Infinity&lat=0',
    ]) {
      const res = await reverse(query);
      expect(res.statusCode, query).toBe(400);
    }
  });
});

describe('access', () => {
  it('lets every operational role geocode, not admin', async () => {
    for (const role of ROLES) {
      const key = demo.keys[role];
      const forward = await geocode('geluran', key);
      const back = await reverse('lon=112.688&lat=-7.36', key);
      const expected = role === 'admin' ? 403 : 200;
      expect([forward.statusCode, back.statusCode], role).toEqual([expected, expected]);
    }
    expect((await app.inject({ url: '/v1/geocode?q=geluran' })).statusCode).toBe(401);
  });

  it("never gives another tenant's keys the demo tenant's areas or places", async () => {
    for (const q of ['pasar larangan', 'geluran taman', 'terminal purabaya']) {
      const res = await geocode(q, other.keys.call_taker);
      expect(res.statusCode).toBe(200);
      expect(res.json().candidates, q).toEqual([]);
    }
    const back = (await reverse('lon=112.688&lat=-7.36', other.keys.dispatcher)).json();
    expect(back).toMatchObject({ desa: null, kecamatan: null, kabupaten: null, insideTenant: null });
  });
});
