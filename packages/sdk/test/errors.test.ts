import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  APIError,
  AuthError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  SigapError,
  TimeoutError,
  ValidationError,
} from '../src/index.js';
import { BASE, errorBody, fastTransport, useServer } from './helpers.js';

const server = useServer();

describe('APIError.generate', () => {
  it.each([
    [400, ValidationError, 'ValidationError'],
    [401, AuthError, 'AuthError'],
    [403, ForbiddenError, 'ForbiddenError'],
    [404, NotFoundError, 'NotFoundError'],
    [409, ConflictError, 'ConflictError'],
    [429, RateLimitError, 'RateLimitError'],
    [500, ServerError, 'ServerError'],
    [502, ServerError, 'ServerError'],
    [503, ServerError, 'ServerError'],
    [418, APIError, 'APIError'],
  ])('maps %i to %s', (status, Class, name) => {
    const err = APIError.generate(status, errorBody('SIGAP_ERR_X'), undefined);
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(SigapError);
    expect(err.constructor).toBe(Class);
    expect(err.name).toBe(name);
    expect(err.status).toBe(status);
    expect(err.code).toBe('SIGAP_ERR_X');
    expect(err.message).toBe('SIGAP_ERR_X happened');
    expect(err.requestId).toBe('req_body_1');
  });

  it('carries validation details and allowed transitions', () => {
    const details = [{ path: '/body/location/lat', code: 'maximum', message: 'must be <= 90' }];
    const v = APIError.generate(400, errorBody('SIGAP_ERR_VALIDATION', { details }), undefined);
    expect((v as ValidationError).details).toEqual(details);
    const c = APIError.generate(
      409,
      errorBody('SIGAP_ERR_ILLEGAL_TRANSITION', { allowed: ['dispatched'] }),
      {},
    );
    expect((c as ConflictError).allowed).toEqual(['dispatched']);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const r = APIError.generate(429, errorBody('SIGAP_ERR_RATE_LIMITED'), { 'Retry-After': '7' });
    expect((r as RateLimitError).retryAfter).toBe(7);
    const date = new Date(Date.now() + 120_000).toUTCString();
    const s = APIError.generate(
      503,
      errorBody('SIGAP_ERR_UNAVAILABLE'),
      new Headers({ 'retry-after': date }),
    );
    expect((s as ServerError).retryAfter).toBeGreaterThanOrEqual(119);
    expect((s as ServerError).retryAfter).toBeLessThanOrEqual(120);
    expect((APIError.generate(500, {}, undefined) as ServerError).retryAfter).toBeUndefined();
  });

  it('still types a non-JSON body, taking the request id from the header', () => {
    const err = APIError.generate(502, '<html>Bad Gateway</html>', { 'x-request-id': 'req_hdr_9' });
    expect(err).toBeInstanceOf(ServerError);
    expect(err.code).toBe('SIGAP_ERR_UNKNOWN');
    expect(err.requestId).toBe('req_hdr_9');
    expect(err.message).toBe('HTTP 502: <html>Bad Gateway</html>');
  });

  it('gives client-side errors their own codes and no status', () => {
    expect(new NetworkError()).toMatchObject({
      code: 'SIGAP_ERR_NETWORK',
      status: undefined,
      name: 'NetworkError',
    });
    const t = new TimeoutError(50);
    expect(t).toBeInstanceOf(NetworkError);
    expect(t).toMatchObject({ code: 'SIGAP_ERR_TIMEOUT', message: 'Request timed out after 50 ms' });
    expect(new AbortError()).toMatchObject({ code: 'SIGAP_ERR_ABORTED', name: 'AbortError' });
  });
});

describe('errors through the transport', () => {
  it.each([
    [400, ValidationError, 'SIGAP_ERR_VALIDATION'],
    [401, AuthError, 'SIGAP_ERR_UNAUTHENTICATED'],
    [403, ForbiddenError, 'SIGAP_ERR_FORBIDDEN'],
    [404, NotFoundError, 'SIGAP_ERR_NOT_FOUND'],
    [409, ConflictError, 'SIGAP_ERR_ILLEGAL_TRANSITION'],
    [429, RateLimitError, 'SIGAP_ERR_RATE_LIMITED'],
    [500, ServerError, 'SIGAP_ERR_INTERNAL'],
    [503, ServerError, 'SIGAP_ERR_UNAVAILABLE'],
  ])('HTTP %i rejects with %o', async (status, Class, code) => {
    server.use(
      http.get(`${BASE}/v1/incidents/inc_1`, () =>
        HttpResponse.json(
          { code, message: 'nope', requestId: 'req_42', details: [], allowed: ['closed'] },
          { status, headers: { 'x-request-id': 'req_42', 'retry-after': '3' } },
        ),
      ),
    );
    const { transport } = fastTransport({ maxRetries: 0 });
    const err = await transport
      .request({ method: 'GET', path: '/v1/incidents/inc_1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Class);
    expect(err).toMatchObject({ status, code, requestId: 'req_42', message: 'nope' });
    if (err instanceof ConflictError) expect(err.allowed).toEqual(['closed']);
    if (err instanceof RateLimitError || err instanceof ServerError) expect(err.retryAfter).toBe(3);
  });

  it('an HTML 502 from a proxy is still a typed ServerError', async () => {
    server.use(
      http.get(
        `${BASE}/v1/units`,
        () =>
          new HttpResponse('<h1>502 Bad Gateway</h1>', {
            status: 502,
            headers: { 'content-type': 'text/html' },
          }),
      ),
    );
    const { transport } = fastTransport({ maxRetries: 0 });
    const err = await transport.request({ method: 'GET', path: '/v1/units' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 502, code: 'SIGAP_ERR_UNKNOWN', body: '<h1>502 Bad Gateway</h1>' });
  });

  it('a 2xx body that is not JSON is an invalid-response error, not a crash', async () => {
    server.use(http.get(`${BASE}/v1/units`, () => new HttpResponse('ok', { status: 200 })));
    const { transport } = fastTransport();
    const err = await transport.request({ method: 'GET', path: '/v1/units' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigapError);
    expect(err).toMatchObject({ status: 200, code: 'SIGAP_ERR_INVALID_RESPONSE' });
  });
});
