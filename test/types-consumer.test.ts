/**
 * The published types are self-contained: a TypeScript project whose node_modules hold only
 * the built @sigap/sdk (package.json + dist) and msw compiles with `tsc` — no @sigap/contract,
 * no typebox — and a wrong payload is a compile error (each `@ts-expect-error` in
 * fixtures/types-consumer must be needed, or tsc fails with "Unused '@ts-expect-error'").
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSdkBuilt, SDK_DIST, SDK_ROOT } from './helpers/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sigap-types-consumer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a TypeScript consumer of dist/', () => {
  it('type-checks with neither @sigap/contract nor typebox installed', () => {
    assertSdkBuilt();
    const sdk = join(dir, 'node_modules/@sigap/sdk');
    mkdirSync(sdk, { recursive: true });
    cpSync(join(SDK_ROOT, 'package.json'), join(sdk, 'package.json'));
    cpSync(SDK_DIST, join(sdk, 'dist'), { recursive: true });
    symlinkSync(realpathSync(join(here, 'node_modules/msw')), join(dir, 'node_modules/msw'));
    cpSync(join(here, 'fixtures/types-consumer'), dir, { recursive: true });

    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? String(error);
    }
    expect(output).toBe('');
  });
});
