import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors.js';
import { packageRoot } from '../src/paths.js';

describe('error registry', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

  it.each(Object.entries(ERRORS))('documents %s with its status in the server README', (code, { status }) => {
    expect(readme).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
  });

  it('documents no code that does not exist', () => {
    const documented = [...readme.matchAll(/\|\s*`(SIGAP_ERR_[A-Z_]+)`\s*\|/g)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERRORS).sort());
  });
});
