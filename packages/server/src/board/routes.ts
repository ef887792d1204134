import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * The page's Content-Security-Policy. MapLibre needs: its worker (a same-origin module file,
 * or a `blob:` URL it makes when the worker file sits on another origin), images it decodes
 * from `data:` and `blob:` URLs, and WebGL (no CSP keyword needed). The board itself needs
 * nothing but its own origin: the API and the live stream (`'self'` covers ws:/wss: on the same
 * host), its bundled fonts and its script. No inline script, no eval, no third-party host:
 * a basemap must be served from the same origin too.
 */
export const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Where the built board is: `dist/` of the `@sigap/map-board` workspace package (a dependency
 * of the server), or `null` when the package is not installed.
 */
export function boardDistDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@sigap/map-board/package.json');
    return join(dirname(pkg), 'dist');
  } catch {
    return null;
  }
}

const NOT_BUILT = `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="color-scheme" content="dark">
<title>Sigap 112 — papan pantau belum tersedia</title>
<style>body{font:22px/1.4 system-ui,sans-serif;background:#0b1016;color:#f2f5f8;margin:15vh auto;max-width:42em;padding:0 1em}code{color:#ffd60a}</style>
</head><body>
<h1>Papan pantau belum dibangun</h1>
<p>Server ini tidak menemukan berkas papan pantau (<code>packages/map-board/dist</code>).
Bangun dengan <code>pnpm --filter @sigap/map-board build</code> (atau <code>pnpm build</code>), lalu muat ulang halaman ini.</p>
<h2 lang="en">The wall-board is not built</h2>
<p lang="en">This server found no wall-board files (<code>packages/map-board/dist</code>).
Build them with <code>pnpm --filter @sigap/map-board build</code> (or <code>pnpm build</code>), then reload this page.</p>
</body></html>`;

export interface BoardRoutesOptions {
  /** The built board's directory; default: the installed `@sigap/map-board`'s `dist/` (tests override it). */
  distDir?: string | null;
}

/**
 * The control-room wall-board at `/board` (see packages/map-board): its page with a strict CSP,
 * and its hashed assets under `/board/assets/` with long-lived caching. No API key is needed
 * to load the page; the page reads the viewer key from the URL fragment, which browsers never
 * send, and uses it only on API requests. When the board has not been built the page answers
 * 503 with instructions instead of a bare 404.
 */
export const boardRoutes: FastifyPluginAsync<BoardRoutesOptions> = async (app, opts) => {
  const dist = opts.distDir !== undefined ? opts.distDir : boardDistDir();
  const index = dist ? join(dist, 'index.html') : null;

  // Every response of this plugin (page, assets, errors) carries the board's policy.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', BOARD_CSP);
  });

  let cached: { mtimeMs: number; html: Buffer } | null = null;
  const sendPage = async (reply: FastifyReply) => {
    const info = index ? await stat(index).catch(() => null) : null;
    if (!index || !info) {
      return reply
        .status(503)
        .header('retry-after', '60')
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT);
    }
    // Re-read after a rebuild (the asset names in it change), without a server restart.
    if (!cached || cached.mtimeMs !== info.mtimeMs)
      cached = { mtimeMs: info.mtimeMs, html: await readFile(index) };
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(cached.html);
  };

  app.get('/board', { schema: { hide: true } }, (_request, reply) => sendPage(reply));
  app.get('/board/index.html', { schema: { hide: true } }, (_request, reply) => sendPage(reply));

  // Files are looked up per request (wildcard), so a board built after the server started is
  // served without a restart. Without the package, assets simply 404 (the page says why).
  await app.register(fastifyStatic, {
    root: dist ?? fileURLToPath(new URL('./map-board-not-installed/', import.meta.url)),
    prefix: '/board/',
    index: false,
    wildcard: true,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      // Vite puts a content hash in every asset name: cache for a year. Anything else: revalidate.
      res.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
};
