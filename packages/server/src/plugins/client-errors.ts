import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, ERRORS, type ErrorCode } from '../errors.js';
import { sendError } from './error-handler.js';

/**
 * Errors raised before a route runs — by Node's HTTP parser, by Fastify's router, by body
 * parsing — answered in the same `{ code, message, requestId }` shape as every other error, so
 * a client (and the hostile-input test) never has to know which layer refused a request.
 */

/** What Node's HTTP parser refuses, by `err.code`: anything else is a 400 bad request. */
const NODE_ERRORS: Record<string, ErrorCode> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'SIGAP_ERR_REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'SIGAP_ERR_HEADERS_TOO_LARGE',
};

/**
 * Fastify's `clientErrorHandler`: Node's `clientError` (malformed request line, headers over
 * the 16 kB limit, a request that did not arrive within `requestTimeout`). There is no request
 * object yet, so the answer is written on the socket and the connection closed, as Node does.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  // A reset connection has nobody left to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = NODE_ERRORS[error.code ?? ''] ?? 'SIGAP_ERR_BAD_REQUEST';
  const { status, message } = ERRORS[code];
  const requestId = randomUUID();
  this.log.debug({ err: error, requestId }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ code, message, requestId });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Cache-Control: no-store\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: the router refused the URL (a bad `%` escape, a path parameter
 * over `maxParamLength`). These skip the onRequest hooks, so the request id header is set here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code: ErrorCode =
    error.code === 'FST_ERR_BAD_URL'
      ? 'SIGAP_ERR_BAD_URL'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'SIGAP_ERR_URI_TOO_LONG'
        : 'SIGAP_ERR_INTERNAL';
  if (code === 'SIGAP_ERR_INTERNAL') request.log.error({ err: error }, 'router failed');
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(request.id)) request.id = randomUUID();
  reply.header('x-request-id', request.id);
  return sendError(reply, request, ERRORS[code].status, { code, message: ERRORS[code].message });
}

/** `Content-Encoding` values a body may carry: none that compress. */
const IDENTITY_ENCODINGS = new Set(['', 'identity']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Body parsing that refuses what Fastify's default would accept silently:
 * - a `Content-Encoding` (gzip, br...) the server does not decode — parsing the compressed bytes
 *   as JSON would give a misleading "bad JSON", or worse, accept a plain body labelled gzip;
 * - JSON whose bytes are not valid UTF-8: the default decoder replaces them with U+FFFD and the
 *   altered text would be stored as if the client had sent it.
 */
export const clientErrorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request) => {
      const encoding = request.headers['content-encoding'];
      if (encoding !== undefined && !IDENTITY_ENCODINGS.has(String(encoding).trim().toLowerCase())) {
        throw new ApiError(
          'SIGAP_ERR_UNSUPPORTED_MEDIA_TYPE',
          'Content-Encoding is not supported: send the body uncompressed.',
        );
      }
    });

    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = strictUtf8.decode(body as Buffer);
      } catch {
        done(
          new ApiError('SIGAP_ERR_BAD_JSON', 'The request body is not valid UTF-8.', {
            details: [{ path: '/body', code: 'encoding', message: 'is not valid UTF-8' }],
          }),
          undefined,
        );
        return;
      }
      parseJson(request, text, done);
    });
  },
  { name: 'sigap-client-errors' },
);

/**
 * The methods registered for a concrete path, so a known route called with another method is
 * a 405 listing them rather than a 404. Patterns come from the route table (`:param`
 * segments, a trailing `*`); matching follows the router's rules for those two forms.
 */
export function allowedMethods(app: FastifyInstance, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routeTable) {
    // OPTIONS `*` is the CORS preflight on every path, not a route of its own.
    if (route.method === 'OPTIONS') continue;
    if (routePattern(route.url).test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();

function routePattern(url: string): RegExp {
  let pattern = patterns.get(url);
  if (!pattern) {
    const source = url
      .split('/')
      .map((segment) =>
        segment === '*'
          ? '.*'
          : segment.startsWith(':')
            ? '[^/]+'
            : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(url, pattern);
  }
  return pattern;
}
