// Measures what the SDK costs an app: the ESM bundle minified and gzipped, built into a
// temporary folder so dist/ stays readable (unminified). Run with `pnpm size` (after nothing:
// it builds from src/ itself).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'tsup';

const outDir = await mkdtemp(join(tmpdir(), 'sigap-sdk-size-'));
try {
  await build({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'es2020',
    platform: 'neutral',
    minify: true,
    treeshake: true,
    dts: false,
    silent: true,
    outDir,
    config: false,
  });
  const code = await readFile(join(outDir, 'index.js'));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `@sigap/sdk ESM: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} gzipped`,
  );
} finally {
  await rm(outDir, { recursive: true, force: true });
}
