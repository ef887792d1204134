import { defineConfig } from 'tsup';

/**
 * ESM + CJS + type declarations, platform-neutral ES2020 so the same files serve browsers,
 * Node >= 18, Deno, Bun and React Native's Metro. Two entries, built apart: the SDK, and
 * `@sigap/sdk/testing` (msw handlers, for apps' tests; msw stays the app's own dependency).
 * Not minified, so stack traces and the dist read well; the size test measures min+gzip.
 * After tsup, scripts/bundle-types.mjs makes the declarations self-contained.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { types: [] } },
  external: ['msw', /^msw\//],
  target: 'es2020',
  platform: 'neutral',
  minify: false,
  sourcemap: true,
  clean: true,
  treeshake: true,
  splitting: false,
});
