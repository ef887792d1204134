import { defineConfig } from 'tsup';

// The server runs from a bundle so `pnpm start` needs no TypeScript at run time;
// dependencies stay external (they are installed beside it).
export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  // @sigap/contract is TypeScript sources inside the workspace: bundle it in.
  noExternal: ['@sigap/contract'],
});
