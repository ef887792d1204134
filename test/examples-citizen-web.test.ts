/**
 * examples/citizen-web in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; no browser is downloaded), served by the example's own static server, against
 * a real Sigap server on another origin (CORS_ORIGINS):
 *  - with GPS: submit, then the status follows live when a dispatcher sends a unit;
 *  - without GPS and offline: a map pick, the report waits in localStorage, and is sent exactly
 *    once when the browser is back online, then tracked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createClient, type Incident, type SigapClient } from '@sigap/sdk';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSdkBuilt, type RunningServer, startServer } from './helpers/server.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const MISSING = `${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (CI does; no browser is downloaded).`;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) console.warn(`[citizen-web test skipped] ${MISSING}`);

/** A free port for the page, known before the API starts (it must list the page's origin). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasChromium && !process.env.CI)('examples/citizen-web in headless Chromium', () => {
  let api: RunningServer;
  let site: ChildProcess;
  let origin: string;
  let browser: Browser;
  let dispatcher: SigapClient;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(MISSING);
    assertSdkBuilt();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    api = await startServer({ CORS_ORIGINS: origin });
    dispatcher = createClient({ baseUrl: api.url, apiKey: api.demo.keys.dispatcher });
    site = spawn(
      process.execPath,
      [
        'examples/citizen-web/serve.mjs',
        '--url',
        api.url,
        '--key',
        api.demo.keys.integrator,
        '--port',
        String(port),
      ],
      { cwd: REPO, env: { ...process.env, SIGAP_DATA_DIR: '/nonexistent/sigap-test/data' } },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      site.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes(`CORS_ORIGINS=${origin}`)) resolve();
      });
      site.once('exit', (code) => reject(new Error(`serve.mjs exited ${code}: ${out}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    site?.kill('SIGTERM');
    await api?.stop();
  });

  async function open(options: Parameters<Browser['newContext']>[0]) {
    const context = await browser.newContext(options);
    const tab = await context.newPage();
    const logs: string[] = [];
    tab.on('console', (m) => logs.push(m.text()));
    tab.on('pageerror', (e) => logs.push(e.message));
    await tab.goto(`${origin}/`);
    return { context, tab, logs };
  }

  const waitFor = (tab: Page, selector: string, logs: string[], timeout = 30_000) =>
    tab.waitForSelector(selector, { timeout, state: 'attached' }).catch(async (error: Error) => {
      const body = await tab.evaluate(() => document.body.textContent).catch(() => '');
      throw new Error(`${error.message}\npage: ${body}\nconsole: ${logs.join('\n')}`);
    });

  async function incidentsWith(description: string): Promise<Incident[]> {
    const found: Incident[] = [];
    for await (const i of dispatcher.incidents.list({ limit: 100 }))
      if (i.description === description) found.push(i);
    return found;
  }

  it('submits with the browser’s GPS and shows the status change live', async () => {
    const { context, tab, logs } = await open({
      geolocation: { longitude: 112.7205, latitude: -7.4478, accuracy: 9 },
      permissions: ['geolocation'],
    });
    await expect(tab.textContent('#emergency')).resolves.toContain('DARURAT');
    await tab.click('#emergency');
    await tab.click('#categories button[value="fire"]');
    await waitFor(tab, '#location-note:text("GPS")', logs);
    await tab.fill('#description', 'Kebakaran gudang (uji citizen-web GPS)');
    await tab.fill('#phone', '0812-3456-7890');
    await tab.click('#send');

    await waitFor(tab, '#connection[data-status="live"]', logs);
    expect(await tab.getAttribute('#report-status', 'data-status')).toBe('received');
    expect(await tab.textContent('#report-status')).toBe('Diterima, menunggu verifikasi');
    const [incident] = await incidentsWith('Kebakaran gudang (uji citizen-web GPS)');
    expect(incident).toMatchObject({
      category: 'fire',
      location: { point: { lon: 112.7205, lat: -7.4478 }, source: 'device_gps', accuracyM: 9 },
      reporter: { phone: '0812-3456-7890' },
    });
    expect(await tab.textContent('#report-number')).toBe(incident!.number);

    // The 112 centre verifies and sends Damkar: the page follows without reloading.
    await dispatcher.incidents.transition(incident!.id, { to: 'verified' });
    await dispatcher.incidents.dispatch(incident!.id, {
      assignments: [{ agencyId: api.demo.agencies['DAMKAR-SDA']! }],
    });
    await waitFor(tab, '#report-status[data-status="dispatched"]', logs);
    expect(await tab.textContent('#assignments')).toContain('DAMKAR-SDA');

    // English on request, through the same catalogue.
    await tab.click('#lang');
    expect(await tab.textContent('#report-status')).toBe('Responders being sent');
    expect(await tab.textContent('#emergency')).toContain('EMERGENCY');
    await context.close();
  }, 60_000);

  it('without GPS and offline: map pick, queued in localStorage, sent once when back online', async () => {
    // No geolocation permission: the page falls back to the map.
    const { context, tab, logs } = await open({});
    await tab.click('#emergency');
    await tab.click('#categories button[value="animal_rescue"]');
    await waitFor(tab, '#map:not([hidden])', logs);
    await tab.waitForFunction(() => localStorage.getItem('sigap-map') !== null, undefined, {
      timeout: 15_000,
    });
    await tab.click('#map', { position: { x: 260, y: 150 } });
    await waitFor(tab, '#location-note:text("peta")', logs);
    const description = 'Ular kobra masuk rumah (uji citizen-web offline)';
    await tab.fill('#description', description);

    await context.setOffline(true);
    await tab.click('#send');
    await waitFor(tab, 'body[data-report="queued"]', logs, 20_000);
    expect(await tab.isVisible('#queued')).toBe(true);
    const stored = await tab.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(stored).toContain('Ular kobra');
    expect(await incidentsWith(description)).toHaveLength(0);

    await context.setOffline(false);
    await waitFor(tab, '#connection[data-status="live"]', logs, 60_000);
    const found = await incidentsWith(description);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      category: 'animal_rescue',
      location: { source: 'map_pick', accuracyM: 500 },
    });
    expect(found[0]!.location.kecamatanCode).toMatch(/^35\.15\./);
    expect(await tab.textContent('#report-number')).toBe(found[0]!.number);

    // The queue is empty afterwards, and a reload does not send it again.
    await tab.reload();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await incidentsWith(description)).toHaveLength(1);
    await context.close();
  }, 120_000);
});
