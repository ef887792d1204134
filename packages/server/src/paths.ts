import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of `@sigap/server`'s package.json, found by walking up from this module.
 * Works from the sources (`src/`, run by vitest/tsx) and from the bundle (`dist/`) alike,
 * so migrations and data files are found the same way in both.
 */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@sigap/server')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the @sigap/server package root');
    dir = parent;
  }
})();

export const migrationsDir = join(packageRoot, 'migrations');
export const dataDir = join(packageRoot, 'data');
