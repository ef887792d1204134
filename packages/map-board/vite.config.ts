import { defineConfig } from 'vite';

/**
 * The board is served by the Sigap server at /board/ (packages/server/src/board/routes.ts),
 * from dist/. `pnpm dev` serves it from Vite; point it at a running server with the proxy.
 */
export default defineConfig({
  base: '/board/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // MapLibre alone is ~1 MB minified; the board's own code is small. Say so rather than warn.
    chunkSizeWarningLimit: 1200,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/v1': { target: process.env.SIGAP_API ?? 'http://127.0.0.1:3112', ws: true },
    },
  },
});
