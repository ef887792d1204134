#!/usr/bin/env node

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAnchors, trailAnchors } from './audit/chain.js';
import { createTenantCommand, verifyTrails } from './commands/tenants.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUnavailableError, type Db, openDatabase } from './db/index.js';
import { migrate } from './db/migrate.js';
import { IMPORT_USAGE, importCommand } from './imports/cli.js';
import { closeOnSignals, startServer } from './server.js';
import type { CreatedKey } from './tenants/provision.js';

const USAGE = `Usage: sigap <command> [options]

Commands:
  serve [--demo] [--port N]   start the server (embedded PGlite unless DATABASE_URL is set)
  migrate                     apply pending database migrations and exit
  tenants create <code> [--prefix SDA]
                              add a regency/city by its Kemendagri code (e.g. 35.15) with its
                              official areas and default categories; prints a first admin key
  anchor                      print each tenant's trail head (seq, hash) as a JSON line, to keep outside
  verify [--anchors <file>]   recompute the hash chain, check anchors, rebuild every incident from its
                              audit trail and compare; exit 1
                              when a row and its trail disagree or a sequence has a gap
${IMPORT_USAGE}

Configuration comes from environment variables; see the README.`;

/** Exit codes: 0 ok, 1 runtime failure, 64 bad usage, 78 bad configuration (sysexits EX_CONFIG). */
const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      // sigap tenants create
      prefix: { type: 'string' },
      // sigap import
      tenant: { type: 'string' },
      source: { type: 'string' },
      'no-repair': { type: 'boolean' },
      'move-units': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      // sigap verify
      anchors: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }

  const overrides: Record<string, unknown> = {};
  if (values.demo) overrides.SIGAP_DEMO = true;
  if (values.port !== undefined) overrides.PORT = values.port;
  const config = loadConfig(process.env, overrides);

  if (command === 'serve') {
    const server = await startServer(config);
    closeOnSignals(server, config.shutdownTimeoutMs);
    const keysFile =
      config.database.backend === 'embedded'
        ? join(dirname(config.database.dataDir), 'demo-keys.json')
        : null;
    if (server.newKeys.length > 0 && keysFile) {
      // A demo convenience so the keys survive a missed terminal; never done for real tenants.
      await writeFile(keysFile, `${JSON.stringify(server.newKeys, null, 2)}\n`, { mode: 0o600 });
    }
    const keys =
      server.newKeys.length > 0
        ? server.newKeys
        : config.demo && keysFile
          ? await readDemoKeys(keysFile)
          : [];
    // The key rides in the URL fragment, which browsers never send to the server.
    const viewer = keys.find((k) => k.role === 'viewer');
    const dispatcher = keys.find((k) => k.role === 'dispatcher');
    const lines = [
      '',
      `  Sigap 112 is running (${config.database.backend === 'embedded' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL'})`,
      `  API:         ${server.url}/v1`,
      `  API docs:    ${server.url}/docs`,
      `  Wall-board:  ${server.url}/board${viewer ? `#key=${viewer.secret}` : ''}`,
      `  Reports:     ${server.url}/reports${dispatcher ? `#key=${dispatcher.secret}` : ''}`,
      `  Health:      ${server.url}/readyz`,
      '',
    ];
    if (server.newKeys.length > 0) {
      lines.push('  Demo API keys (only their hashes are stored in the database):');
      for (const key of server.newKeys) lines.push(`    ${key.role.padEnd(11)} ${key.secret}  (${key.name})`);
      if (keysFile) lines.push(`  (also saved to ${keysFile})`);
      lines.push('');
    } else if (keys.length > 0) {
      lines.push(`  Demo API keys: ${keysFile}`, '');
    }
    console.log(lines.join('\n'));
    return;
  }
  if (command === 'migrate') {
    const db = await openDatabase(config.database);
    try {
      const applied = await migrate(db);
      console.log(
        applied.length ? `applied ${applied.join(', ')}` : 'nothing to apply: the database is up to date',
      );
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'tenants' && positionals[1] === 'create' && positionals[2]) {
    await withDatabase(config, async (db) => {
      const result = await createTenantCommand(db, positionals[2]!, { prefix: values.prefix });
      if (!result.created) {
        console.log(`${result.tenant.id} ${result.tenant.name} exists already: nothing changed.`);
        return;
      }
      console.log(
        `Created ${result.tenant.id} ${result.tenant.name} (${result.tenant.timeZone}, numbers ${result.tenant.numberPrefix}-...).`,
      );
      console.log(`First admin key (shown only now; only its hash is stored):\n  ${result.adminKey!.secret}`);
    });
    return;
  }
  if (command === 'anchor') {
    // One JSON line per tenant: append it daily to a file (or a ticket, an e-mail) kept outside
    // the database; `sigap verify --anchors <file>` checks the chain still contains each.
    await withDatabase(config, async (db) => {
      for (const anchor of await trailAnchors(db)) console.log(JSON.stringify(anchor));
    });
    return;
  }
  if (command === 'verify') {
    const anchors = values.anchors ? parseAnchors(await readFile(values.anchors, 'utf8')) : [];
    await withDatabase(config, async (db) => {
      const { incidents, events, mismatches } = await verifyTrails(db, anchors);
      for (const m of mismatches) console.log(`${m.tenantId} ${m.number} ${m.incidentId}: ${m.problem}`);
      console.log(
        `checked ${events} events (hash chain${anchors.length > 0 ? `, ${anchors.length} anchors` : ''}) and ${incidents} incidents: ${mismatches.length === 0 ? 'every row matches its trail' : `${mismatches.length} problem(s)`}`,
      );
      if (mismatches.length > 0) process.exitCode = 1;
    });
    return;
  }
  if (command === 'import') {
    process.exitCode = await importCommand(config, positionals.slice(1), values);
    return;
  }
  console.error(`sigap: unknown command "${command}"\n\n${USAGE}`);
  process.exitCode = EXIT_USAGE;
}

async function readDemoKeys(file: string): Promise<CreatedKey[]> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CreatedKey[];
  } catch {
    return []; // no keys file (a database created elsewhere): the banner shows plain URLs
  }
}

/** Opens the configured database (migrated) for a one-shot command, and closes it. */
async function withDatabase(
  config: ReturnType<typeof loadConfig>,
  fn: (db: Db) => Promise<void>,
): Promise<void> {
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    await fn(db);
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Start-up failures are one line naming the cause, never a stack trace.
  if (error instanceof ConfigError) {
    console.error(`sigap: configuration error: ${error.message}`);
    process.exit(EXIT_CONFIG);
  }
  if (error instanceof DatabaseUnavailableError) {
    console.error(`sigap: ${error.variable}: ${error.message}`);
    process.exit(EXIT_CONFIG);
  }
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(`sigap: PORT: ${(error as Error).message}`);
    process.exit(EXIT_CONFIG);
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    console.error(`sigap: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(EXIT_USAGE);
  }
  console.error(`sigap: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
