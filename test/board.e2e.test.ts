/**
 * The wall-board end to end: the real server (demo tenant, real database) serves the BUILT
 * board at /board; real headless Chromium (Debian's /usr/bin/chromium through playwright-core,
 * no browser download) opens it with a viewer key in the fragment; incidents submitted and
 * progressed through the built SDK must show on the map (`queryRenderedFeatures`) and in the
 * panel (waits catch hangs only: how fast is the bench's business); HTML in a description is shown as text; the board says when it is not
 * live and recovers from a dropped connection and from a server restart by itself.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Incident } from '@sigap/sdk';
import Fastify from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../packages/map-board/src/handle.js';
import { incident as fakeIncident } from '../packages/map-board/test/fixtures.js';
import { BOARD_CSP, boardRoutes } from '../packages/server/src/board/routes.js';
import { buildTestApp } from '../packages/server/test/helpers/app.js';
import { assertSdkBuilt, bearer, type RunningServer, SIDOARJO_TOWN, startServer } from './helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = `${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (CI does; no browser is downloaded).`;
const hasChromium = existsSync(CHROMIUM);
// On a developer's machine without Chromium the browser tests are skipped, saying why; in CI they fail.
if (!hasChromium && !process.env.CI) console.warn(`[board e2e skipped] ${MISSING}`);

const BOARD = fileURLToPath(new URL('../packages/map-board/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const XSS = '<img src=x onerror=alert(1)>';

/** The test drives the BUILT board (what the server serves): fail clearly when it is stale. */
function assertBoardBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  const index = join(BOARD, 'dist/index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built < newest(join(BOARD, 'src'))) {
    throw new Error(
      'packages/map-board/dist is missing or older than src/: run `pnpm --filter @sigap/map-board build` (root `pnpm test` builds first).',
    );
  }
}

/**
 * Polls `check` until it returns a truthy value. The deadline only catches a hang (a board
 * that never draws, a feed that never resumes); it is not a speed target. How fast the board
 * reacts is reported by the logs here and judged in `pnpm bench`, never asserted, so the
 * suite holds on a busy 2-core machine.
 */
const HANG_MS = 60_000;
async function eventually<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = HANG_MS,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`still not true after ${ms} ms (hung?): ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface RowInfo {
  status: string | undefined;
  text: string;
  desc: string;
  agency: string;
  remaining: string;
  breached: boolean;
  images: number;
}

const row = (page: Page, id: string) =>
  page.evaluate((id): RowInfo | null => {
    const el = document.querySelector<HTMLElement>(`.panel li[data-id="${id}"]`);
    if (!el) return null;
    return {
      status: el.dataset.status,
      text: el.textContent ?? '',
      desc: el.querySelector('.row__desc')?.textContent ?? '',
      agency: el.querySelector('.row__agency')?.textContent ?? '',
      remaining: el.querySelector('.row__remaining')?.textContent ?? '',
      breached: el.classList.contains('row--breached'),
      images: el.querySelectorAll('img').length,
    };
  }, id);

const drawn = (page: Page, id: string) =>
  page.evaluate(
    (id) => window.sigapBoard?.renderedIncidents().find((p) => p.id === id) ?? null,
    id,
  ) as Promise<Record<string, unknown> | null>;

const connectionText = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-testid="connection"]')?.textContent ?? '');

describe('GET /board without a built board', () => {
  it('answers 503 with instructions, and the board’s CSP', async () => {
    const app = Fastify();
    await app.register(boardRoutes, { distDir: join(BOARD, 'no-such-dist') });
    const res = await app.inject({ method: 'GET', url: '/board' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('pnpm --filter @sigap/map-board build');
    expect(res.headers['content-security-policy']).toBe(BOARD_CSP);
    await app.close();
  });
});

describe.skipIf(!hasChromium && !process.env.CI)(
  'the wall-board in headless Chromium',
  { timeout: 240_000 },
  () => {
    let api: RunningServer;
    let browser: Browser;
    let page: Page;
    const dialogs: string[] = [];
    const logs: string[] = [];
    let reporter: ReturnType<typeof createClient>;
    let dispatcher: ReturnType<typeof createClient>;

    beforeAll(async () => {
      if (!hasChromium) throw new Error(MISSING);
      assertSdkBuilt();
      assertBoardBuilt();
      api = await startServer();
      reporter = createClient({ baseUrl: api.url, apiKey: api.demo.keys.call_taker });
      dispatcher = createClient({ baseUrl: api.url, apiKey: api.demo.keys.dispatcher });
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
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    });

    afterAll(async () => {
      await browser?.close();
      await api?.stop();
      if (logs.length > 0) console.log(`[board console]\n${logs.slice(-40).join('\n')}`);
    });

    it('serves the page with its Content-Security-Policy and hashed assets', async () => {
      const res = await fetch(`${api.url}/board`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).not.toContain('unsafe-inline');
      const html = await res.text();
      expect((await fetch(`${api.url}/board/`)).status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const asset = /\/board\/assets\/[^"]+\.js/.exec(html)?.[0];
      expect(asset).toBeTruthy();
      const js = await fetch(`${api.url}${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('cache-control')).toContain('immutable');
      expect((await fetch(`${api.url}/board/../package.json`)).status).not.toBe(200);
    });

    it('opens with a viewer key in the fragment, goes live and takes the key out of the address bar', async () => {
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${api.url}/board#key=${api.demo.keys.viewer}`);
      await eventually(`the board live (console: ${logs.join(' | ')})`, () =>
        page.evaluate(
          () => window.sigapBoard?.connection() === 'live' && window.sigapBoard.state.seq !== null,
        ),
      );
      expect(page.url()).not.toContain('key=');
      expect(requests.some((u) => u.includes(api.demo.keys.viewer))).toBe(false);
      // The tenant's outlines and names came from the server (no tiles, no internet).
      await eventually('kecamatan outlines drawn', () =>
        page.evaluate(
          () => (window.sigapBoard?.queryRenderedFeatures({ layers: ['area-fill'] }).length ?? 0) > 5,
        ),
      );
      const header = await page.evaluate(() => document.querySelector('header')?.textContent ?? '');
      expect(header).toContain('Kabupaten Sidoarjo');
      expect(header).toContain('LIVE');
    });

    let incident: Incident;

    it('draws a new incident on the map and lists it in the panel, its description as text', async () => {
      const result = await reporter.incidents.submit({
        category: 'fire',
        priority: 'P1',
        description: `${XSS} Rumah terbakar di dekat pasar`,
        location: { point: SIDOARJO_TOWN, accuracyM: 10, source: 'device_gps' },
        reporter: { phone: '081234567890' },
      });
      if (result.queued) throw new Error('submitted offline');
      incident = result.incident;
      await eventually('the incident on the map', () => drawn(page, incident.id));
      const listed = await eventually('the incident in the panel', () => row(page, incident.id));

      const feature = (await drawn(page, incident.id))!;
      expect(feature).toMatchObject({ priority: 'P1', category: 'fire', number: incident.number });
      expect(listed.text).toContain(incident.number);
      expect(listed.text).toContain('Kebakaran');
      expect(listed.text).toContain('Sidoarjo'); // the kecamatan's name from /v1/areas
      expect(listed.desc).toBe(`${XSS} Rumah terbakar di dekat pasar`);
      expect(listed.images).toBe(0);
      expect(listed.remaining).toMatch(/^\d{2}:\d{2}$/);
      expect(dialogs).toEqual([]);
    });

    it('reflects the dispatch and the agency’s acknowledgement', async () => {
      const dispatched = await dispatcher.incidents.dispatch(incident.id, { acceptRecommendation: true });
      const assignment = dispatched.assignments.find((a) => a.agencyCode.startsWith('DAMKAR'))!;
      expect(assignment).toBeTruthy();
      await eventually(
        'dispatched on the board',
        async () => (await row(page, incident.id))?.status === 'dispatched',
      );

      const damkar = createClient({ baseUrl: api.url, apiKey: api.demo.keys.agency });
      await damkar.assignments.transition(assignment.id, { to: 'acknowledged' });
      // The fire's response plan sends several units; the incident is acknowledged once all are.
      for (const other of dispatched.assignments.filter((a) => a.id !== assignment.id)) {
        await dispatcher.assignments.transition(other.id, { to: 'acknowledged' });
      }
      await eventually(
        'acknowledged on the map',
        async () => (await drawn(page, incident.id))?.status === 'acknowledged',
      );
      const listed = await eventually('acknowledged in the panel', async () => {
        const r = await row(page, incident.id);
        return r?.status === 'acknowledged' ? r : null;
      });
      expect(listed.agency).toContain('DAMKAR');
      expect(listed.text).toContain('Dikonfirmasi');
      if (assignment.unitId) {
        await eventually('the unit→incident line', () =>
          page.evaluate(
            () =>
              (window.sigapBoard?.queryRenderedFeatures({ layers: ['assignment-lines-pending'] }).length ??
                0) > 0,
          ),
        );
      }
    });

    it('flies to an incident chosen with the keyboard and shows its card, HTML as text', async () => {
      await page.focus('[data-testid="panel"]');
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      const card = await eventually('the popup', () =>
        page.evaluate(() => {
          const el = document.querySelector('[data-testid="popup"]');
          return el ? { text: el.textContent ?? '', images: el.querySelectorAll('img').length } : null;
        }),
      );
      expect(card.text).toContain(XSS);
      expect(card.images).toBe(0);
      await page.evaluate(() => window.sigapBoard?.idle());
      expect(dialogs).toEqual([]);
    });

    it('writes a readable, dark screenshot', async () => {
      await page.keyboard.press('Escape');
      // A few more incidents so the screenshot shows a working board.
      const more = [
        {
          category: 'flood',
          point: { lon: 112.69, lat: -7.4 },
          description: 'Air masuk rumah setinggi lutut',
        },
        {
          category: 'traffic_accident',
          point: { lon: 112.76, lat: -7.5 },
          description: 'Tabrakan motor dan truk',
        },
        {
          category: 'street_light',
          point: { lon: 112.65, lat: -7.47 },
          description: 'PJU mati sepanjang jalan',
        },
        {
          category: 'fallen_tree',
          point: { lon: 112.72, lat: -7.36 },
          description: 'Pohon tumbang menutup jalan',
        },
      ];
      for (const m of more) {
        await reporter.incidents.submit({
          category: m.category,
          description: m.description,
          location: { point: m.point, accuracyM: 15, source: 'device_gps' },
        });
      }
      await eventually('the extra incidents listed', () =>
        page.evaluate(() => document.querySelectorAll('.panel li').length >= 5),
      );
      await page.evaluate(() => {
        const b = window.sigapBoard!;
        b.map.jumpTo({ center: [112.625, -7.455], zoom: 11.05 });
      });
      await page.evaluate(() => window.sigapBoard?.idle());
      await new Promise((r) => setTimeout(r, 500));
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'board.png') });
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe('rgb(11, 16, 22)');
    });

    it('says plainly that it is not live, and recovers after the connection is cut', async () => {
      // Record every text the indicator shows (the reconnect may take well under a second).
      await page.evaluate(() => {
        const el = document.querySelector('[data-testid="connection"]')!;
        const seen: string[] = [];
        (window as unknown as { statusLog: string[] }).statusLog = seen;
        new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
      expect(api.dropLiveSockets()).toBeGreaterThan(0);
      const missed = await reporter.incidents.submit({
        category: 'medical',
        priority: 'P1',
        description: 'Pingsan di jalan saat sambungan terputus',
        location: { point: { lon: 112.73, lat: -7.45 }, source: 'device_gps' },
      });
      if (missed.queued) throw new Error('submitted offline');
      await eventually('the incident missed during the cut, replayed', () => row(page, missed.incident.id));
      await eventually('live again', async () => (await connectionText(page)).startsWith('LIVE'));
      const log = await page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
      expect(log.some((t) => t.startsWith('TIDAK LIVE — menyambung ulang…'))).toBe(true);
    });

    it('recovers by itself after a server restart', async () => {
      const port = Number(new URL(api.url).port);
      const seqBefore = await page.evaluate(() => window.sigapBoard!.state.seq);
      await api.app.close();
      await eventually('not live while the server is down', async () =>
        (await connectionText(page)).startsWith('TIDAK LIVE'),
      );
      const restarted = await buildTestApp(api.db.db, { LIVE_HEARTBEAT_MS: '1000', LIVE_POLL_MS: '200' });
      await restarted.listen({ port, host: '127.0.0.1' });
      api.app = restarted;
      const after = await reporter.incidents.submit({
        category: 'crime',
        priority: 'P1',
        description: 'Pencurian motor, pelaku kabur ke utara',
        location: { point: { lon: 112.7, lat: -7.43 }, source: 'device_gps' },
      });
      if (after.queued) throw new Error('submitted offline');
      // The SDK's backoff is at most 30 s (jittered); the server's restart took well under that.
      await eventually('the incident submitted after the restart', () => row(page, after.incident.id));
      await eventually('live again', async () => (await connectionText(page)).startsWith('LIVE'));
      expect(await page.evaluate(() => window.sigapBoard!.state.seq)).toBeGreaterThan(seqBefore!);
    });

    it('switches to English and back', async () => {
      await page.click('.switch--lang');
      await eventually('English labels', async () =>
        (await page.evaluate(() => document.querySelector('header')?.textContent ?? '')).includes(
          'Open incidents',
        ),
      );
      expect(await page.evaluate(() => document.querySelector('.panel__title')?.textContent)).toBe(
        'Open incidents',
      );
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      await page.click('.switch--lang');
      expect(await page.evaluate(() => document.querySelector('.panel__title')?.textContent)).toBe(
        'Kejadian terbuka',
      );
    });

    it('opens with a live token instead of a key (live stream only)', async () => {
      const res = await fetch(`${api.url}/v1/live/tokens`, {
        method: 'POST',
        headers: bearer(api.demo.keys.viewer),
      });
      expect(res.status).toBe(201);
      const { token } = (await res.json()) as { token: string };
      const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await tab.goto(`${api.url}/board#token=${token}`);
      await eventually('live with a token', () =>
        tab.evaluate(
          () =>
            window.sigapBoard?.connection() === 'live' && (window.sigapBoard.state.incidents.size ?? 0) > 0,
        ),
      );
      expect(tab.url()).not.toContain('token=');
      await tab.close();
    });

    it('stays smooth with 10,000 live incidents and a burst of updates', async () => {
      // The live stream is played by the test (Playwright's WebSocket route): a snapshot of
      // 10,000 open incidents across the regency, then, when the test says so, 50 status changes
      // every 20 ms (2,500 a second) for 3 s.
      const categories = [
        'fire',
        'flood',
        'traffic_accident',
        'medical',
        'street_light',
        'fallen_tree',
        'water',
      ];
      const priorities = ['P1', 'P2', 'P3'] as const;
      let seed = 42;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const incidents = Array.from({ length: 10_000 }, (_, k) =>
        fakeIncident({
          id: `00000000-0000-4000-9000-${String(k).padStart(12, '0')}`,
          number: `SDA-20261123-${String(k).padStart(5, '0')}`,
          category: categories[k % categories.length]!,
          priority: priorities[k % 3]!,
          status: 'verified',
          createdAt: new Date(Date.now() - random() * 3_600_000).toISOString(),
          location: {
            ...fakeIncident().location,
            point: { lon: 112.56 + random() * 0.3, lat: -7.55 + random() * 0.2 },
          },
        }),
      );
      const ROUNDS = 150;
      await page.close(); // the first board, still pulsing, would share the CPU
      let startBurst: () => void = () => undefined;
      const tab = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await tab.routeWebSocket(/\/v1\/live/, (ws) => {
        ws.onMessage(() => undefined);
        ws.send(
          JSON.stringify({ type: 'snapshot', seq: 100, at: new Date().toISOString(), incidents, units: [] }),
        );
        let seq = 100;
        let round = 0;
        let timer: ReturnType<typeof setInterval> | undefined;
        startBurst = () => {
          timer = setInterval(() => {
            if (++round > ROUNDS) return clearInterval(timer);
            for (let k = 0; k < 50; k++) {
              const i = incidents[(round * 50 + k) % incidents.length]!;
              seq++;
              const message = {
                seq,
                type: 'incident.status_changed',
                at: new Date().toISOString(),
                incident: { ...i, status: 'dispatched', seq },
                event: {
                  actor: { keyId: null, role: 'system', name: 't' },
                  assignmentId: null,
                  unitId: null,
                  callId: null,
                  payload: {},
                },
              };
              ws.send(JSON.stringify(message));
            }
          }, 20);
        };
        ws.onClose(() => clearInterval(timer));
      });
      const opened = Date.now();
      await tab.goto(`${api.url}/board#key=${api.demo.keys.viewer}`);
      await eventually('10,000 incidents in the state', () =>
        tab.evaluate(() => window.sigapBoard?.state.incidents.size === 10_000),
      );
      const inState = Date.now() - opened;
      await eventually('10,000 incidents drawn and listed', () =>
        tab.evaluate(
          () =>
            document.querySelector('[data-testid="panel-count"]')?.textContent === '10.000' &&
            (window.sigapBoard?.queryRenderedFeatures({ layers: ['incident-clusters'] }).length ?? 0) > 0,
        ),
      );
      const drawnAt = Date.now() - opened;

      // Frames and event-loop lag over `ms`, repainting every frame (a still map would not draw).
      const measure = (ms: number) =>
        tab.evaluate(
          (ms) =>
            new Promise<{ frames: number; maxLagMs: number; p95FrameMs: number }>((resolve) => {
              let maxLagMs = 0;
              let last = performance.now();
              const lag = setInterval(() => {
                const now = performance.now();
                maxLagMs = Math.max(maxLagMs, now - last - 50);
                last = now;
              }, 50);
              const gaps: number[] = [];
              let prev = performance.now();
              let running = true;
              const frame = (t: number) => {
                gaps.push(t - prev);
                prev = t;
                window.sigapBoard?.map.triggerRepaint();
                if (running) requestAnimationFrame(frame);
              };
              requestAnimationFrame(frame);
              setTimeout(() => {
                running = false;
                clearInterval(lag);
                gaps.sort((a, b) => a - b);
                resolve({
                  frames: gaps.length,
                  maxLagMs: Math.round(maxLagMs),
                  p95FrameMs: Math.round(gaps[Math.floor(gaps.length * 0.95)] ?? 0),
                });
              }, ms);
            }),
          ms,
        );
      const still = await measure(3_000);
      const stats = () => tab.evaluate(() => window.sigapBoard!.stats());
      const before = await stats();
      startBurst();
      const burst = await measure(3_000);
      await eventually('every update of the burst applied', () =>
        tab.evaluate((last) => window.sigapBoard?.state.seq === last, 100 + ROUNDS * 50),
      );
      const after = await stats();
      const cost = {
        messages: after.messages - before.messages,
        boardMs: Math.round(
          after.applyMs + after.flushMs + after.panelMs - (before.applyMs + before.flushMs + before.panelMs),
        ),
        flushes: after.flushes - before.flushes,
        msPerFlush: +((after.flushMs - before.flushMs) / Math.max(1, after.flushes - before.flushes)).toFixed(
          2,
        ),
        panelUpdates: after.panelUpdates - before.panelUpdates,
        msPerPanelUpdate: +(
          (after.panelMs - before.panelMs) /
          Math.max(1, after.panelUpdates - before.panelUpdates)
        ).toFixed(1),
        sourceUpdates: (after.sourceUpdates ?? 0) - (before.sourceUpdates ?? 0),
      };
      console.log(
        `[board 10k] in state ${inState} ms, drawn and listed ${drawnAt} ms after opening; ` +
          `frames in 3 s still: ${JSON.stringify(still)}; under 2,500 updates/s: ${JSON.stringify(burst)}; ` +
          `board's own work for the ${cost.messages} updates: ${JSON.stringify(cost)}`,
      );
      // Frames here are SwiftShader's (software WebGL: ~15 a second at 1920×1080 with nothing
      // changing, fewer when two test files share the 2 cores), so they are reported, not judged.
      // Time is not judged here either (a loaded machine makes any figure a coin toss). What is
      // judged is the board's way of working: every update applied, and the map fed a few batched
      // diffs rather than one source update per message, which is what keeps it smooth.
      expect(cost.messages).toBe(ROUNDS * 50);
      expect(cost.sourceUpdates).toBeLessThan(cost.messages / 20);
      await tab.close();
    }, 240_000);
  },
);
