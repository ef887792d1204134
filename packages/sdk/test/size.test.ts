/**
 * What the SDK costs an app: the main ESM entry bundled, minified and gzipped as a bundler
 * would ship it. The budget is 8 kB; `@sigap/sdk/testing` and msw must never be in it, and no
 * runtime dependency may creep in (everything resolves inside src/).
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const BUDGET = 8 * 1024;

describe('bundle size', () => {
  it(`main entry stays under ${BUDGET / 1024} kB min+gzip, with no dependency inside`, async () => {
    const result = await build({
      absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
      entryPoints: ['src/index.ts'],
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2020',
      platform: 'neutral',
      write: false,
      metafile: true,
    });
    const code = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`@sigap/sdk ESM: ${code.length} B minified, ${gzipped} B gzipped (budget ${BUDGET} B)`);
    expect(gzipped).toBeLessThan(BUDGET);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => !file.startsWith('src/'))).toEqual([]);
    expect(inputs.some((file) => file.includes('testing'))).toBe(false);
  });

  it('has zero runtime dependencies (msw is an optional peer of the testing entry only)', () => {
    expect((pkg as { dependencies?: object }).dependencies ?? {}).toEqual({});
    expect(pkg.peerDependenciesMeta.msw.optional).toBe(true);
  });
});
