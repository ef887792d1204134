// Measures what the SDK costs an app: the main ESM entry bundled, minified and gzipped with
// esbuild + zlib, exactly as test/size.test.ts does (which enforces the 8 kB budget).
// Run with `pnpm size`; it reads src/, no build needed.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const result = await build({
  absWorkingDir: new URL('..', import.meta.url).pathname,
  entryPoints: ['src/index.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  platform: 'neutral',
  write: false,
});
const code = result.outputFiles[0].contents;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(
  `@sigap/sdk ESM: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} gzipped`,
);
