import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * Every 4xx that Fastify's router or Node's HTTP parser produces answers in the documented
 * shape with a request id (issue 18, findings 5 and 6), over real HTTP where Node is involved.
 */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let base: string;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db);
  base = await listen(app);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

function expectShape(status: number, body: unknown, code: string, requestId?: string | null) {
  expect(body, JSON.stringify(body)).toMatchObject({ code, message: expect.any(String) });
  const id = (body as { requestId: unknown }).requestId;
  expect(typeof id).toBe('string');
  if (requestId !== undefined) expect(requestId).toBe(id);
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
}

/** Sends raw bytes and reads the whole answer until the server closes or a response is complete. */
function rawRequest(bytes: string | Buffer, onSocket?: (socket: Socket) => void): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('connect', () => {
      socket.write(bytes);
      onSocket?.(socket);
    });
    setTimeout(() => reject(new Error(`no answer; received ${received}`)), 20_000).unref();
  });
}

function parseRaw(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const status = Number(head.split(' ')[1]);
  const requestId = /x-request-id: ([^\r\n]+)/i.exec(head)?.[1] ?? null;
  return { status, body: JSON.parse(body) as unknown, requestId, head };
}

describe('router refusals', () => {
  it('answers a bad % escape with 400 SIGAP_ERR_BAD_URL', async () => {
    const res = await fetch(`${base}/v1/incidents/%E0%A4%A`, { headers: bearer(demo.keys.dispatcher) });
    expect(res.status).toBe(400);
    expectShape(res.status, await res.json(), 'SIGAP_ERR_BAD_URL', res.headers.get('x-request-id'));
  });

  it('answers a path parameter over 200 characters with 414', async () => {
    const res = await fetch(`${base}/v1/incidents/${'a'.repeat(500)}`, {
      headers: bearer(demo.keys.dispatcher),
    });
    expect(res.status).toBe(414);
    expectShape(res.status, await res.json(), 'SIGAP_ERR_URI_TOO_LONG', res.headers.get('x-request-id'));
  });

  it('answers an unknown path with 404 and a known path with another method with 405 and Allow', async () => {
    const missing = await app.inject({ url: '/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expectShape(404, missing.json(), 'SIGAP_ERR_NOT_FOUND', missing.headers['x-request-id'] as string);
    const wrong = await app.inject({ method: 'PUT', url: '/v1/incidents' });
    expect(wrong.statusCode).toBe(405);
    expectShape(405, wrong.json(), 'SIGAP_ERR_METHOD_NOT_ALLOWED', wrong.headers['x-request-id'] as string);
    expect(wrong.json().allowed).toEqual(['GET', 'HEAD', 'POST']);
    expect(wrong.headers.allow).toBe('GET, HEAD, POST');
    const param = await app.inject({ method: 'DELETE', url: `/v1/incidents/${crypto.randomUUID()}` });
    expect(param.statusCode).toBe(405);
    expect(param.json().allowed).toContain('GET');
  });
});

describe('body refusals', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: { ...bearer(demo.keys.call_taker), 'content-type': 'application/json', ...headers },
      payload: body,
    });

  it('answers malformed JSON with 400 SIGAP_ERR_BAD_JSON', async () => {
    const res = await post('{"category": "fire",');
    expect(res.statusCode).toBe(400);
    expectShape(400, res.json(), 'SIGAP_ERR_BAD_JSON', res.headers['x-request-id'] as string);
  });

  it('refuses invalid UTF-8 inside a JSON string instead of storing U+FFFD, and writes nothing', async () => {
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    const body = Buffer.concat([
      Buffer.from('{"category":"fire","description":"Rumah '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('","location":{"point":{"lon":112.72,"lat":-7.45},"source":"device_gps"}}'),
    ]);
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expectShape(400, res.json(), 'SIGAP_ERR_BAD_JSON', res.headers['x-request-id'] as string);
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('still accepts well-formed UTF-8 (multi-byte Indonesian and emoji text)', async () => {
    const res = await post(
      JSON.stringify({
        category: 'fire',
        description: 'Rumah terbakar — asap tebal 🔥',
        location: { point: { lon: 112.72, lat: -7.45 }, source: 'device_gps' },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().incident.description).toBe('Rumah terbakar — asap tebal 🔥');
  });

  it('answers Content-Encoding: gzip on a plain body with 415', async () => {
    const res = await post('{"category":"fire"}', { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(415);
    expectShape(415, res.json(), 'SIGAP_ERR_UNSUPPORTED_MEDIA_TYPE', res.headers['x-request-id'] as string);
  });
});

describe('Node refusals (clientError)', () => {
  it('answers headers over 16 kB with 431 in the error shape', async () => {
    const raw = await rawRequest(
      `GET /v1/incidents HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
    );
    const { status, body, requestId } = parseRaw(raw);
    expect(status).toBe(431);
    expectShape(status, body, 'SIGAP_ERR_HEADERS_TOO_LARGE', requestId);
  });

  it('answers a URL over the header limit with 431 too (Node counts the request line)', async () => {
    const raw = await rawRequest(`GET /v1/incidents?q=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const { status, body, requestId } = parseRaw(raw);
    expect(status).toBe(431);
    expectShape(status, body, 'SIGAP_ERR_HEADERS_TOO_LARGE', requestId);
  });

  it('answers a malformed request line with 400 SIGAP_ERR_BAD_REQUEST', async () => {
    const raw = await rawRequest('GET\u0001 /v1 NOT-HTTP\r\n\r\n');
    const { status, body, requestId } = parseRaw(raw);
    expect(status).toBe(400);
    expectShape(status, body, 'SIGAP_ERR_BAD_REQUEST', requestId);
  });

  it('answers a request timeout with 408 in the error shape', async () => {
    // Node raises ERR_HTTP_REQUEST_TIMEOUT on a half-sent request after `requestTimeout`; the
    // check runs every 30 s, so the test raises the same clientError on the server's socket.
    const serverSide = new Promise<Socket>((resolve) => app.server.once('connection', resolve));
    const raw = await rawRequest('GET /v1/incidents HTTP/1.1\r\nHost: x\r\n', async () => {
      const socket = await serverSide;
      const error = Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
      app.server.emit('clientError', error, socket);
    });
    const { status, body, requestId } = parseRaw(raw);
    expect(status).toBe(408);
    expectShape(status, body, 'SIGAP_ERR_REQUEST_TIMEOUT', requestId);
  });
});
