import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthGuard } from '../auth/guard.js';
import { readKey } from '../auth/plugin.js';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';
import { admissionPlugin, connectionGone } from './admission.js';

declare module 'fastify' {
  interface FastifyInstance {
    authGuard: AuthGuard;
  }
}

/** Seconds an overloaded server asks clients to wait. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5;
/**
 * Routes that must answer even when everything else is shed: orchestrators and load balancers
 * decide on them, and `/readyz` answers in its own documented shape (a shed 503 would not).
 */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz']);

/**
 * What keeps the server standing: security headers (helmet), a CORS allowlist, rate limits per
 * API key (per address without one, checked before any key look-up), caps on open
 * connections per address and on requests in progress per client, admission control by work
 * class (plugins/admission.ts) and load shedding on event-loop delay and heap, which sheds the
 * least urgent classes first. Beyond capacity clients get a quick 503 (or 429) with
 * Retry-After instead of a server that grows memory until it falls over. Documented in the
 * server README, "Under load".
 */
export const protectionPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config }) => {
    const { config } = opts;

    await app.register(helmet, {
      // Swagger UI and the wall-board set their own, looser, policies on their pages.
      contentSecurityPolicy: false,
      crossOriginEmbedderPolicy: false,
    });
    await app.register(cors, {
      origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'idempotency-key',
        'x-api-key',
        'x-request-id',
        'x-sigap-retry-count',
      ],
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
      maxAge: 600,
    });

    const authGuard = new AuthGuard(config.limits.maxAuthFailuresPerMinute);
    app.decorate('authGuard', authGuard);
    capConnectionsPerAddress(app, config.limits.maxConnectionsPerAddress);

    await app.register(rateLimit, {
      // Not per route (route hooks run after the app's, i.e. after authentication): one
      // app-level onRequest hook, added below before the auth plugin's, so a flood is
      // refused before any key look-up.
      global: false,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      // One bucket per API key (hashed: the bucket key may be logged), else per address.
      // Made-up keys each get a bucket too, but past MAX_AUTH_FAILURES_PER_MINUTE refused
      // keys an address gets 429 before any look-up (auth/guard.ts), so they cost nothing.
      keyGenerator: (request) => {
        const key = readKey(request);
        return key ? `key:${AuthGuard.fingerprint(key)}` : `ip:${request.ip}`;
      },
      allowList: (request) => ALWAYS_ANSWERED.has(request.routeOptions.url ?? ''),
      errorResponseBuilder: (_request, context) =>
        new ApiError(
          'SIGAP_ERR_RATE_LIMITED',
          `Too many requests: at most ${context.max} a minute; retry in ${context.after}.`,
          {
            retryAfterSeconds: Math.ceil(context.ttl / 1000),
          },
        ),
    });

    app.addHook('onRequest', app.rateLimit());

    // Requests in progress, counted once the body has arrived (a slow upload holds nothing):
    // a global cap, and one per client (API key, else address) so one client cannot take all.
    let inFlight = 0;
    const perClient = new Map<string, number>();
    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return;
      if (inFlight >= config.maxInFlight) {
        throw new ApiError('SIGAP_ERR_UNAVAILABLE', 'The server is at capacity; retry shortly.', {
          retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
        });
      }
      const client = request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`;
      const open = perClient.get(client) ?? 0;
      if (open >= config.limits.maxRequestsPerClient) {
        throw new ApiError(
          'SIGAP_ERR_RATE_LIMITED',
          `At most ${config.limits.maxRequestsPerClient} requests in progress per client; retry when one is answered.`,
          { retryAfterSeconds: 1 },
        );
      }
      if (connectionGone(request, reply)) return reply.hijack();
      inFlight++;
      perClient.set(client, open + 1);
      let counted = true;
      const release = () => {
        if (!counted) return;
        counted = false;
        inFlight--;
        const left = (perClient.get(client) ?? 1) - 1;
        if (left > 0) perClient.set(client, left);
        else perClient.delete(client);
      };
      reply.raw.once('finish', release);
      reply.raw.once('close', release);
    });

    // After the cheap refusals above: a request that passed them waits for its work slot.
    await app.register(admissionPlugin, { config });

    await app.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      maxHeapUsedBytes: config.maxHeapBytes,
      // Under pressure the least urgent work classes give way (reports, look-ups, snapshots,
      // reads); intake and operations still queue for their slots. Pages outside /v1 go too.
      pressureHandler: (request, _reply, type) => {
        if (ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return;
        if (request.workClass) return app.admission.shedForPressure(request.workClass, type);
        if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
        throw new ApiError('SIGAP_ERR_UNAVAILABLE', `The server is overloaded (${type}); retry shortly.`, {
          retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
        });
      },
    });
  },
  { name: 'sigap-protection' },
);

/**
 * At most `cap` open connections per remote address (0 = no cap, e.g. behind a reverse proxy,
 * where every connection comes from the proxy). One more gets a 503 in the documented error
 * shape and is closed before any request is read.
 */
function capConnectionsPerAddress(app: FastifyInstance, cap: number): void {
  if (cap <= 0) return;
  const open = new Map<string, number>();
  app.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= cap) {
      const body = JSON.stringify({
        code: 'SIGAP_ERR_UNAVAILABLE',
        message: `Too many open connections from this address (at most ${cap}); reuse one or retry shortly.`,
        requestId: randomUUID(),
      });
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n' +
          `Retry-After: ${OVERLOAD_RETRY_AFTER_SECONDS}\r\nConnection: close\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
