import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Personal data stays out of caches and logs:
 * - every /v1 response says `Cache-Control: no-store` (unless a route chose its own): calls,
 *   incidents and the live stream carry caller phone numbers, and a shared proxy or a browser
 *   cache is no place for them;
 * - request URLs are logged with secrets in the query string (`?token=slt_…` of the live stream,
 *   `?key=`) replaced by `[redacted]`.
 */
export const privacyPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.url.startsWith('/v1/') && !reply.hasHeader('cache-control')) {
        reply.header('cache-control', 'no-store');
      }
      return payload;
    });
  },
  { name: 'sigap-privacy' },
);

const SECRET_PARAMS = /([?&](?:token|key|api_key|access_token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** Fastify's request log serializer, with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
