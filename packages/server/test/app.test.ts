import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ERRORS } from '../src/errors.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let t: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await buildApp({
    config: loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
    }),
    db: t.db,
    capabilities: await t.db.detectCapabilities(),
    logger: false,
  });
  // A probe route with a strict body schema, to exercise validation and the error handler.
  app.post(
    '/test/echo',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ maxLength: 5 }), count: Type.Integer({ minimum: 0 }) },
          { additionalProperties: false },
        ),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
      },
    },
    async (request) => ({ body: request.body, query: request.query }),
  );
  app.get('/test/crash', async () => {
    throw new Error('secret internal detail: SELECT * FROM api_keys');
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

describe('health', () => {
  it('GET /healthz answers ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /readyz reports the database up and migrated', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ready',
      backend: t.backend,
      database: 'up',
      migrations: { pending: 0 },
    });
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 in the error shape, echoing the request id', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.json()).toEqual({
      code: 'SIGAP_ERR_NOT_FOUND',
      message: 'No route for GET /v1/nothing',
      requestId: 'abc-123',
    });
  });

  it('replaces an unsafe incoming request id', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\n<script>' },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists every bad field with path, code and message', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { name: 'too long', count: '3', extra: true },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('SIGAP_ERR_VALIDATION');
    expect(body.requestId).toBeTypeOf('string');
    const paths = body.details.map((d: { path: string; code: string }) => `${d.path} ${d.code}`).sort();
    // Bodies are strict: unknown fields are rejected (not silently dropped) and "3" is not a number.
    expect(paths).toEqual(['/body/count type', '/body/extra additionalProperties', '/body/name maxLength']);
  });

  it('names bad query parameters under /query', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo?limit=0',
      payload: { name: 'ok', count: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ path: '/query/limit', code: 'minimum', message: 'must be >= 1' }]);
  });

  it('coerces query strings but not bodies', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo?limit=20',
      payload: { name: 'ok', count: 3 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: { name: 'ok', count: 3 }, query: { limit: 20 } });
  });

  it('reports a missing field by its own path', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'ok' } });
    expect(res.json().details).toEqual([
      { path: '/body/count', code: 'required', message: "must have required property 'count'" },
    ]);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('SIGAP_ERR_BAD_JSON');
  });

  it('rejects bodies over 64 kB with 413', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(70 * 1024), count: 1 }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('SIGAP_ERR_PAYLOAD_TOO_LARGE');
  });

  it('rejects non-JSON bodies with 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'text/xml' },
      payload: '<x/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('SIGAP_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('hides the internals of unexpected failures', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret|SELECT|api_keys|at .*\.ts/);
    expect(res.json()).toMatchObject({
      code: 'SIGAP_ERR_INTERNAL',
      message: ERRORS.SIGAP_ERR_INTERNAL.message,
    });
  });
});

describe('API docs', () => {
  it('serves OpenAPI 3.1 at /docs/openapi.json', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });

  it('serves a browsable page at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
