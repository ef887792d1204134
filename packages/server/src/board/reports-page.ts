import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * The monitoring-and-evaluation report page (`@sigap/report-page`) at /reports, its files at
 * /reports/assets/. The page is static: it asks the API with the key the user brings in the URL
 * fragment (`/reports#key=...`, which browsers never send), so these routes need no key.
 *
 * Its Content-Security-Policy allows only this origin: scripts and MapLibre's module worker from
 * 'self' (blob: workers too, which MapLibre may use), images from data:/blob: (the map's print
 * snapshot, the control icons), requests to 'self' (the API). No inline script, no tiles, no
 * fonts from elsewhere.
 */
export const REPORTS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export interface ReportsPageOptions {
  /** The built page (index.html + assets/); default: @sigap/report-page's dist/. */
  distDir?: string;
}

function defaultDistDir(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@sigap/report-page/package.json');
    return join(dirname(manifest), 'dist');
  } catch {
    return null;
  }
}

const NOT_BUILT =
  'The report page is not built. Build it with `pnpm --filter @sigap/report-page build` ' +
  '(or `pnpm -r build`) and reload.';

export const reportsPageRoutes: FastifyPluginAsync<ReportsPageOptions> = async (app, options) => {
  const dist = options.distDir ?? defaultDistDir();
  const index = dist ? join(dist, 'index.html') : null;
  // Checked per request: building the page while the server runs makes it appear.
  const built = () => index !== null && existsSync(index);
  const notBuilt = (reply: FastifyReply) =>
    reply.code(503).header('retry-after', '60').type('text/plain; charset=utf-8').send(NOT_BUILT);

  app.addHook('onRequest', async (_request, reply) => {
    if (!built()) return notBuilt(reply);
    reply.header('content-security-policy', REPORTS_PAGE_CSP);
  });

  app.get('/reports', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(await readFile(index!)),
  );

  await app.register(fastifyStatic, {
    root: join(dist ?? '/nonexistent', 'assets'),
    prefix: '/reports/assets/',
    decorateReply: false,
    index: false,
    list: false,
    schemaHide: true,
  });
};
