import type { FastifyInstance } from 'fastify';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { type GeocoderConfig, parseGeocoderConfig } from '../src/geocoding/config.js';
import { TtlLruCache } from '../src/geocoding/providers/cache.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * The external geocoders (Nominatim, Photon) behind the one interface, against msw handlers
 * that play the real APIs: success, a 500, a timeout, a cache hit — and in every failure the
 * gazetteer still answers.
 */
const NOMINATIM = 'http://nominatim.test';
const PHOTON = 'http://photon.test';
const requests: URL[] = [];

const server = setupServer(
  http.get(`${NOMINATIM}/search`, ({ request }) => {
    const url = new URL(request.url);
    requests.push(url);
    const q = url.searchParams.get('q') ?? '';
    if (q.includes('rusak')) return new HttpResponse('oops', { status: 500 });
    if (q.includes('lambat')) return delay(3000).then(() => HttpResponse.json([]));
    return HttpResponse.json([
      {
        lat: '-7.4452',
        lon: '112.7183',
        display_name: 'Jalan Mojopahit, Celep, Sidoarjo, Jawa Timur',
        importance: 0.4,
      },
      // Outside the tenant (Surabaya): must never reach a call taker's list.
      { lat: '-7.2575', lon: '112.7521', display_name: 'Jalan Mojopahit, Surabaya' },
      { lat: 'x', lon: null, display_name: 'broken' },
    ]);
  }),
  http.get(`${PHOTON}/api`, ({ request }) => {
    requests.push(new URL(request.url));
    return HttpResponse.json({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [112.6875, -7.3612] },
          properties: {
            name: 'Masjid Al Ikhlas',
            street: 'Jalan Geluran',
            housenumber: '4',
            city: 'Sidoarjo',
          },
        },
      ],
    });
  }),
);

let t: TestDatabase;
let demo: SeededTenant;
const apps: FastifyInstance[] = [];

async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
  const base = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    MAX_EVENT_LOOP_DELAY_MS: '0',
  });
  // Until config.ts carries `geocoder`, the plugin reads it from the config object if present.
  const config = { ...base, geocoder: parseGeocoderConfig(env) } as Config & { geocoder: GeocoderConfig };
  const app = await buildApp({
    config,
    db: t.db,
    capabilities: await t.db.detectCapabilities(),
    logger: false,
  });
  await app.ready();
  apps.push(app);
  return app;
}

const search = (app: FastifyInstance, q: string) =>
  app.inject({ url: `/v1/geocode?q=${encodeURIComponent(q)}`, headers: bearer(demo.keys.call_taker) });

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
});
afterEach(() => {
  requests.length = 0;
});
afterAll(async () => {
  server.close();
  for (const app of apps) await app.close();
  await t?.destroy();
});

describe('Nominatim', () => {
  it("merges its results, bounded to the tenant's box, with the areas they fall in", async () => {
    const app = await appWith({ GEOCODER: 'nominatim', GEOCODER_URL: NOMINATIM });
    const res = await search(app, 'jalan mojopahit celep');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.external).toBe('ok');
    const external = body.candidates.filter((c: { source: string }) => c.source === 'nominatim');
    expect(external).toEqual([
      {
        label: 'Jalan Mojopahit, Celep, Sidoarjo, Jawa Timur',
        point: { lon: 112.7183, lat: -7.4452 },
        areaCodes: {
          kabupaten: '35.15',
          kecamatan: '35.15.08',
          desa: expect.stringMatching(/^35\.15\.08\./),
        },
        matched: 'address',
        confidence: 0.75,
        source: 'nominatim',
      },
    ]);
    // The gazetteer answered too: Celep the desa.
    expect(
      body.candidates.some((c: { areaCodes: { desa?: string } }) => c.areaCodes.desa === '35.15.08.1005'),
    ).toBe(true);
    const sent = requests[0]!;
    expect(sent.searchParams.get('bounded')).toBe('1');
    expect(sent.searchParams.get('countrycodes')).toBe('id');
    const [minLon, maxLat, maxLon, minLat] = sent.searchParams.get('viewbox')!.split(',').map(Number);
    expect(minLon! < 112.5 && maxLon! > 112.8 && minLat! < -7.5 && maxLat! > -7.35).toBe(true);
  });

  it('answers a repeated query from its cache without asking again', async () => {
    const app = await appWith({ GEOCODER: 'nominatim', GEOCODER_URL: NOMINATIM });
    expect((await search(app, 'jalan mojopahit')).json().external).toBe('ok');
    const again = (await search(app, 'Jalan  MOJOPAHIT')).json();
    expect(again.external).toBe('cached');
    expect(again.candidates.some((c: { source: string }) => c.source === 'nominatim')).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('falls back to the gazetteer when it answers 500', async () => {
    const app = await appWith({ GEOCODER: 'nominatim', GEOCODER_URL: NOMINATIM });
    const body = (await search(app, 'jalan rusak ds geluran')).json();
    expect(body.external).toBe('failed');
    expect(body.candidates[0]).toMatchObject({ source: 'gazetteer', areaCodes: { desa: '35.15.13.1015' } });
  });

  it('falls back to the gazetteer when it is too slow, within the timeout', async () => {
    const app = await appWith({ GEOCODER: 'nominatim', GEOCODER_URL: NOMINATIM, GEOCODER_TIMEOUT_MS: '150' });
    const started = Date.now();
    const body = (await search(app, 'jalan lambat ds geluran')).json();
    expect(Date.now() - started).toBeLessThan(2500);
    expect(body.external).toBe('timeout');
    expect(body.candidates[0]).toMatchObject({ source: 'gazetteer', areaCodes: { desa: '35.15.13.1015' } });
    // A failure is not cached: the next call asks again.
    await search(app, 'jalan lambat ds geluran');
    expect(requests).toHaveLength(2);
  });
});

describe('Photon', () => {
  it('labels features from their address parts and bounds them with bbox', async () => {
    const app = await appWith({ GEOCODER: 'photon', GEOCODER_URL: `${PHOTON}/` });
    const body = (await search(app, 'masjid al ikhlas geluran')).json();
    expect(body.external).toBe('ok');
    expect(body.candidates.find((c: { source: string }) => c.source === 'photon')).toMatchObject({
      label: 'Masjid Al Ikhlas, Jalan Geluran 4, Sidoarjo',
      areaCodes: { kecamatan: '35.15.13', desa: '35.15.13.1015' },
    });
    expect(requests[0]!.pathname).toBe('/api');
    expect(requests[0]!.searchParams.get('bbox')!.split(',')).toHaveLength(4);
  });
});

describe('configuration and cache', () => {
  it('parses GEOCODER, GEOCODER_URL and GEOCODER_TIMEOUT_MS, naming the bad variable', () => {
    expect(parseGeocoderConfig({})).toMatchObject({ provider: 'none', url: null, timeoutMs: 1500 });
    expect(parseGeocoderConfig({ GEOCODER: 'Photon', GEOCODER_URL: PHOTON })).toMatchObject({
      provider: 'photon',
    });
    expect(() => parseGeocoderConfig({ GEOCODER: 'google' })).toThrow(/^GEOCODER: /);
    expect(() => parseGeocoderConfig({ GEOCODER: 'nominatim' })).toThrow(/^GEOCODER_URL: is required/);
    expect(() => parseGeocoderConfig({ GEOCODER: 'nominatim', GEOCODER_URL: 'ftp://x' })).toThrow(
      /GEOCODER_URL/,
    );
    expect(() => parseGeocoderConfig({ GEOCODER_TIMEOUT_MS: '10' })).toThrow(/^GEOCODER_TIMEOUT_MS: /);
  });

  it('drops the least recently used entry and expired ones', () => {
    let now = 0;
    const cache = new TtlLruCache<number>(2, 1000, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });
});
