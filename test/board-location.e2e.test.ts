/**
 * A location correction end to end: an incident reported by address only is placed by the
 * server, drawn on the BUILT wall-board in real headless Chromium, then corrected through the
 * SDK (`incidents.locate`) — the marker moves on the map, the recommendation changes, and the
 * trail holds both positions. (Board set-up as in board.e2e.test.ts.)
 */
import { existsSync } from 'node:fs';
import { createClient } from '@sigap/sdk';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../packages/map-board/src/handle.js';
import { assertSdkBuilt, type RunningServer, startServer } from './helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) console.warn(`[board location e2e skipped] ${CHROMIUM} not found`);

/** Polls `check` until it returns a truthy value; the timeout is generous, only against a hang. */
async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where the board draws an incident's marker (the rendered feature's coordinates), if it does. */
const markerAt = (page: Page, id: string) =>
  page.evaluate((id) => {
    const board = window.sigapBoard;
    if (!board) return null;
    const feature = board.map
      .queryRenderedFeatures({ layers: ['incident-points'] })
      .find((f) => f.properties?.id === id);
    if (feature?.geometry.type !== 'Point') return null;
    const [lon, lat] = feature.geometry.coordinates as [number, number];
    return { lon, lat };
  }, id);

const near = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
  Math.abs(a.lon - b.lon) < 1e-4 && Math.abs(a.lat - b.lat) < 1e-4;

describe.skipIf(!hasChromium && !process.env.CI)('a location correction on the wall-board', () => {
  let api: RunningServer;
  let browser: Browser;
  let page: Page;
  const logs: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} not found`);
    assertSdkBuilt();
    api = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(`${api.url}/board#key=${api.demo.keys.viewer}`);
    await until('the board live', () =>
      page.evaluate(() => window.sigapBoard?.connection() === 'live' && window.sigapBoard.state.seq !== null),
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    if (logs.length > 0) console.log(`[board console]\n${logs.slice(-20).join('\n')}`);
  });

  it('moves the marker of a corrected incident, with a new recommendation and both positions in the trail', async () => {
    const callTaker = createClient({ baseUrl: api.url, apiKey: api.demo.keys.call_taker });
    const dispatcher = createClient({ baseUrl: api.url, apiKey: api.demo.keys.dispatcher });
    const submitted = await callTaker.incidents.submit({
      category: 'fire',
      description: 'Rumah terbakar',
      location: { address: 'desa sukorejo rt 02 rw 04 kec. buduran' },
    });
    if (submitted.queued) throw new Error('submitted offline');
    const { incident, recommendation } = submitted;
    expect(incident.location).toMatchObject({ kecamatanCode: '35.15.15', desaCode: '35.15.15.2014' });
    const first = incident.location.point!;
    expect(first).not.toBeNull();
    expect(recommendation?.needs[0]?.candidates.length).toBeGreaterThan(0);

    const drawnFirst = await until('the address-only incident on the map', () => markerAt(page, incident.id));
    expect(near(drawnFirst, first)).toBe(true);

    // The caller was in fact in Tarik, 25 km west: the dispatcher picks the spot on the map.
    const { candidates } = await dispatcher.geocode.search({ q: 'Kecamatan Tarik', limit: 3 });
    const tarik = candidates.find((c) => c.matched === 'kecamatan' && c.point)!.point!;
    const moved = await dispatcher.incidents.locate(incident.id, {
      point: tarik,
      reason: 'lokasi dari peta',
    });
    expect(moved.incident.location).toMatchObject({
      point: tarik,
      source: 'map_pick',
      kecamatanCode: '35.15.01',
    });
    const unit = (r: typeof recommendation) => r?.needs[0]?.candidates[0]?.unitId;
    expect(unit(moved.recommendation)).not.toBe(unit(recommendation));

    const drawnMoved = await until('the marker at the corrected point', async () => {
      const at = await markerAt(page, incident.id);
      return at && near(at, tarik) ? at : null;
    });
    expect(near(drawnMoved, first)).toBe(false);

    const trail = await dispatcher.incidents.events(incident.id);
    const update = trail.items.find((e) => e.type === 'incident.location_updated');
    expect(update?.payload).toMatchObject({
      from: { point: first },
      to: { point: tarik },
      reason: 'lokasi dari peta',
    });
  }, 120_000);
});
