import { defineConfig } from 'tsup';

/**
 * ESM + CJS + type declarations, platform-neutral ES2020 so the same files serve browsers,
 * Node >= 18, Deno, Bun and React Native's Metro. Not minified, so stack traces and the
 * dist read well; `pnpm size` measures the minified + gzipped weight separately.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { types: [] } },
  target: 'es2020',
  platform: 'neutral',
  minify: false,
  sourcemap: true,
  clean: true,
  treeshake: true,
  splitting: false,
});
