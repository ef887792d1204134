#!/usr/bin/env node
/**
 * Serves the citizen page (public/) and the built SDK, and tells the page which Sigap server
 * and key to use. A regency would instead copy public/ and the SDK's dist/index.js to its own
 * web server or app web-view; this file is only the smallest way to try it.
 *
 *   node examples/citizen-web/serve.mjs --url http://127.0.0.1:3112 --key sgp_...
 *
 * The page calls the Sigap API from another origin, so the Sigap server must allow it:
 *   CORS_ORIGINS=http://127.0.0.1:8112 node packages/server/dist/cli.js serve --demo
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '../..');
const PUBLIC = join(HERE, 'public');
// The SDK as an app installs it: the package's built ESM bundle, resolved like any import.
const SDK_DIST = dirname(fileURLToPath(import.meta.resolve('@sigap/sdk')));

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    port: { type: 'string', default: process.env.PORT ?? '8112' },
    host: { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: node serve.mjs [--url URL] [--key KEY] [--port 8112] [--host 127.0.0.1]

  --url   Sigap server (default $SIGAP_URL or http://127.0.0.1:3112)
  --key   an integrator API key (default $SIGAP_KEY, else the demo's citizen app key)`);
  process.exit(0);
}
const api = values.url ?? process.env.SIGAP_URL ?? 'http://127.0.0.1:3112';
const key = values.key ?? process.env.SIGAP_KEY ?? demoKey('Demo citizen app');
if (!key) {
  console.error('No API key: pass --key (an integrator key) or start the demo server first (`pnpm start`).');
  process.exit(64);
}

/** The demo server writes its keys next to its data directory; only ever used for the demo. */
function demoKey(name) {
  const dataDir = process.env.SIGAP_DATA_DIR ?? join(REPO, '.sigap/data');
  try {
    const keys = JSON.parse(readFileSync(join(dirname(dataDir), 'demo-keys.json'), 'utf8'));
    return keys.find((k) => k.name === name)?.secret;
  } catch {
    return undefined;
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** Only files under `root`: a path with `..` never leaves it. */
function send(response, root, path) {
  const file = normalize(join(root, path));
  if (!file.startsWith(root) || !existsSync(file) || !extname(file)) return response.writeHead(404).end();
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  response.end(readFileSync(file));
}

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  if (path === '/config.js') {
    // An integrator key may be public: it can only report and read what it reported.
    response.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
    return response.end(`export default ${JSON.stringify({ api, key })};\n`);
  }
  if (path.startsWith('/sdk/')) return send(response, SDK_DIST, path.slice('/sdk/'.length));
  send(response, PUBLIC, path === '/' ? 'index.html' : path);
});

server.listen(Number(values.port), values.host, () => {
  const origin = `http://${values.host}:${server.address().port}`;
  console.log(`Halaman warga / citizen page: ${origin}/`);
  console.log(`Sigap API: ${api}`);
  console.log(`The Sigap server must allow this origin: CORS_ORIGINS=${origin}`);
});
const close = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', close);
process.once('SIGTERM', close);
