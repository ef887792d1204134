/**
 * Builds the report page into dist/: index.html, and under dist/assets/ the page's bundle,
 * its stylesheet and MapLibre's own files. MapLibre is kept as its published ESM files (not
 * bundled) so it finds its worker next to itself (`maplibre-gl-worker.mjs`, a same-origin module
 * worker: no blob: code, no CDN).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const assets = join(dist, 'assets');
const maplibre = join(dirname(createRequire(import.meta.url).resolve('maplibre-gl/package.json')), 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

await build({
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(assets, 'report.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  plugins: [
    {
      name: 'maplibre-as-file',
      setup(b) {
        b.onResolve({ filter: /^maplibre-gl$/ }, () => ({ path: './maplibre-gl.mjs', external: true }));
      },
    },
  ],
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/report.css'), join(assets, 'report.css'));
copyFileSync(join(root, 'src/index.html'), join(dist, 'index.html'));
for (const file of ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.css']) {
  copyFileSync(join(maplibre, file), join(assets, file));
}
console.log(`report page built in ${dist}`);
