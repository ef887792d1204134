/**
 * The monitoring-and-evaluation report page (/reports) in real headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core; no browser is downloaded), on a real server with the
 * known history of the report tests (Kabupaten Sidoarjo, March 2026): the figures on the page are
 * the API's, the charts and the hotspot map render, names are shown as text, the key never leaves
 * the fragment, the page switches to English and prints to an A4 PDF.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgencyReport, SummaryReport } from '@sigap/contract';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../packages/server/src/app.js';
import { REPORTS_PAGE_CSP, reportsPageRoutes } from '../packages/server/src/board/reports-page.js';
import { loadConfig } from '../packages/server/src/config.js';
import { listen } from '../packages/server/test/helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../packages/server/test/helpers/database.js';
import {
  bearer,
  type SeededTenant,
  seedDemoTenant,
  seedOtherTenant,
} from '../packages/server/test/helpers/tenant.js';
import { buildHistory } from '../packages/server/test/reports-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = `${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (CI does; no browser is downloaded).`;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) console.warn(`[report page test skipped] ${MISSING}`);

const PAGE_DIST = fileURLToPath(new URL('../packages/report-page/dist/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const XSS = '<img src=x onerror=alert(1)>';
const MARCH = 'from=2026-03-01&to=2026-04-01';

/** The page's Indonesian percentage: fractions of 4 decimals shown exactly, "27,27%". */
const pctId = (share: number | null) =>
  share === null ? '–' : `${(share * 100).toFixed(2).replace('.', ',')}%`;
const pctEn = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(2)}%`);

describe.skipIf(!hasChromium && !process.env.CI)('the report page in headless Chromium', () => {
  let t: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;
  let demo: SeededTenant;
  let browser: Browser;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(MISSING);
    if (!existsSync(join(PAGE_DIST, 'index.html'))) {
      throw new Error(
        'packages/report-page/dist is missing: run `pnpm -r build` (root `pnpm test` builds first).',
      );
    }
    t = await createTestDatabase();
    demo = await seedDemoTenant(t.db);
    const other = await seedOtherTenant(t.db);
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      MAX_HEAP_MB: '65536',
    });
    app = await buildApp({ config, db: t.db, capabilities: await t.db.detectCapabilities(), logger: false });
    // Until app.ts registers it (then this is a no-op).
    if (!app.hasRoute({ method: 'GET', url: '/reports' })) await app.register(reportsPageRoutes);
    // The same plugin over a directory where nothing was built, to see its 503.
    await app.register(reportsPageRoutes, {
      distDir: mkdtempSync(join(tmpdir(), 'no-report-page-')),
      prefix: '/unbuilt',
    });
    await app.ready();
    url = await listen(app);
    await buildHistory(app, t, demo, other);
    // Names from the database are shown as text, never as HTML.
    await t.db.query(
      `UPDATE agencies SET name = $2 || ' ' || name WHERE tenant_id = $1 AND code IN ('DISHUB-SDA', 'PLN-SDA')`,
      [demo.tenantId, XSS],
    );
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
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.destroy();
  });

  const api = async <T>(path: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url: path, headers: bearer(demo.keys.viewer) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  };
  const text = (page: Page, key: string) => page.locator(`[data-key="${key}"]`).first().textContent();

  it('serves the page with its Content-Security-Policy, and a clear 503 when it is not built', async () => {
    const res = await fetch(`${url}/reports`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toBe(REPORTS_PAGE_CSP);
    const asset = await fetch(`${url}/reports/assets/maplibre-gl-worker.mjs`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');

    const missing = await fetch(`${url}/unbuilt/reports`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('pnpm --filter @sigap/report-page build');
  });

  it('shows the month’s figures exactly as the API computes them, with charts and the map', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const logs: string[] = [];
    const dialogs: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    const key = demo.keys.viewer;

    await page.goto(`${url}/reports#key=${key}`);
    const ready = (month: string) =>
      page.waitForFunction(
        (m) =>
          document.body.dataset.state === 'ready' &&
          document.body.dataset.map === 'idle' &&
          (document.querySelector('[data-key="period"]')?.textContent ?? '').includes(m),
        month,
        { timeout: 30_000 },
      );
    // Opens on the current month; then the period picker chooses March 2026.
    await page
      .waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 30_000 })
      .catch((e) => {
        throw new Error(`${e}\n${logs.join('\n')}`);
      });
    expect(page.url()).not.toContain(key);
    await page.fill('input[name="month"]', '2026-03');
    await page.click('form.period-form button[type="submit"]');
    await ready('Maret 2026').catch((e) => {
      throw new Error(`${e}\n${logs.join('\n')}`);
    });

    const summary = await api<SummaryReport>(`/v1/reports/summary?${MARCH}&groupBy=day`);
    const agencies = await api<AgencyReport>(`/v1/reports/agencies?${MARCH}`);
    const calls = summary.calls!;
    // The fixture's history in the whole month (its 1-3 March plus X2 and I9 on 4 March): 12 calls,
    // 4 pranks; 6 incidents counted.
    expect(calls.total).toBe(12);
    expect(calls.prank).toBe(4);
    expect(await text(page, 'calls.total')).toBe(String(calls.total));
    expect(await text(page, 'calls.prankShare')).toBe(pctId(calls.prankShare));
    expect(await text(page, 'calls.prankShare')).toBe('33,33%');
    expect(await text(page, 'calls.nuisanceShare')).toBe(pctId(calls.nuisanceShare));
    expect(await text(page, 'calls.byChannel.total')).toBe(String(calls.total));
    for (const c of calls.byChannel) {
      expect(await text(page, `calls.channel.${c.channel}.total`)).toBe(String(c.total));
      expect(await text(page, `calls.channel.${c.channel}.prankShare`)).toBe(pctId(c.prankShare));
    }
    for (const o of calls.byOutcome)
      expect(await text(page, `calls.outcome.${o.outcome}`)).toBe(String(o.count));
    expect(await text(page, 'incidents.total')).toBe(String(summary.incidents.total));
    expect(summary.incidents.total).toBe(6);
    for (const c of summary.incidents.byCategory) {
      expect(await text(page, `incidents.category.${c.category}`)).toBe(String(c.count));
    }
    // Indonesian labels from GET /v1/categories.
    const fire = (
      await api<{ items: { code: string; labelId: string; labelEn: string }[] }>('/v1/categories')
    ).items.find((c) => c.code === 'fire')!;
    expect(await text(page, 'category.fire.label')).toBe(fire.labelId);
    for (const p of summary.incidents.byPriority)
      expect(await text(page, `incidents.priority.${p.priority}`)).toBe(String(p.count));
    expect(await text(page, 'handling.answerToIncident.within60')).toBe(
      pctId(summary.handling.answerToIncident.within60sShare),
    );

    // The league table: the agencies report's figures, agency by agency.
    expect(agencies.agencies.map((a) => a.code)).toEqual(summary.agencies.map((a) => a.code));
    for (const a of agencies.agencies) {
      expect(await text(page, `agency.${a.code}.compliance`), a.code).toBe(pctId(a.compliance));
      expect(await page.getAttribute(`[data-key="agency.${a.code}.compliance"]`, 'data-value')).toBe(
        String(a.compliance),
      );
      expect(await text(page, `agency.${a.code}.breaches`)).toBe(String(a.breaches));
      expect(await text(page, `agency.${a.code}.reopened`)).toBe(String(a.reopened));
    }
    const damkar = agencies.agencies.find((a) => a.code === 'DAMKAR-SDA')!;
    expect(damkar.compliance).toBe(0.5);
    expect(await text(page, 'agency.DAMKAR-SDA.compliance')).toBe('50,00%');
    expect(await page.locator('#handoff-table tbody tr').count()).toBe(summary.overdueHandoffs.length);

    // Charts (category bars, daily calls with the prank line, compliance) and the map.
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('#calls svg.chart rect.bar').count()).toBe(31);
    expect(await page.locator('#calls svg.chart polyline.line').count()).toBe(1);
    expect(await page.locator('#incidents svg.chart rect.bar').count()).toBe(
      summary.incidents.byCategory.length,
    );
    expect(await page.locator('.map-canvas canvas').count()).toBe(1);
    expect(await page.getAttribute('img.map-print', 'src')).toMatch(/^data:image\/png;base64,/);

    // Names with markup are text.
    expect(await text(page, 'agency.DISHUB-SDA.name')).toContain(XSS);
    const pln = summary.overdueHandoffs.find((o) => o.agencyCode === 'PLN-SDA')!;
    expect(await text(page, `handoff.${pln.assignmentId}.agency`)).toContain(XSS);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);

    // A CSV export: fetched with the key in a header, saved as a file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button.csv[data-csv^="/v1/reports/agencies"]'),
    ]);
    expect(download.suggestedFilename()).toBe('sigap112-instansi-2026-03-01_2026-04-01.csv');
    expect(readFileSync((await download.path())!, 'utf8')).toContain('DAMKAR-SDA');

    // English.
    await page.click('button[data-action="lang"]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(page, 'period')).toContain('March 2026');
    expect(await text(page, 'calls.prankShare')).toBe(pctEn(calls.prankShare));
    expect(await page.locator('#agencies h2').textContent()).toBe('Agency performance');
    expect(await text(page, 'category.fire.label')).toBe(fire.labelEn);
    await page.waitForFunction(() => document.body.dataset.map === 'idle');

    // The key stayed in the fragment and sessionStorage: never in a URL the server saw.
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((u) => u.includes(key))).toEqual([]);
    expect(logs.filter((l) => /Content Security Policy|pageerror/i.test(l))).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'reports.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({
      path: join(ARTIFACTS, 'reports.pdf'),
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
    });
    expect(readFileSync(join(ARTIFACTS, 'reports.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(statSync(join(ARTIFACTS, 'reports.pdf')).size).toBeGreaterThan(20_000);
    await context.close();
  });
});
