import { fileURLToPath } from 'node:url';

export const benchRoot = fileURLToPath(new URL('../../', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The server under test is the BUILT CLI, exactly what `node dist/cli.js serve` runs in production. */
export const serverCli = fileURLToPath(new URL('../../../packages/server/dist/cli.js', import.meta.url));
export const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));
export const geocodingTestSet = fileURLToPath(
  new URL('../../../packages/server/data/demo/sidoarjo/geocoding-testset.json', import.meta.url),
);
/** The held-out addresses (never used for tuning), with their expected kecamatan and desa codes. */
export const geocodingHoldout = fileURLToPath(
  new URL('../../../packages/server/data/demo/sidoarjo/geocoding-holdout.json', import.meta.url),
);
