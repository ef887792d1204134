import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { readKey } from '../auth/plugin.js';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';

/** Seconds an overloaded server asks clients to wait. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5;
/**
 * Routes that must answer even when everything else is shed: orchestrators and load balancers
 * decide on them, and `/readyz` answers in its own documented shape (a shed 503 would not).
 */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz']);

/**
 * What keeps the server standing: security headers (helmet), a CORS allowlist, rate limits per
 * API key (per IP without one), and load shedding — a cap on requests in flight plus
 * @fastify/under-pressure on event-loop delay and heap — so that beyond capacity clients get
 * a quick 503 with Retry-After instead of a server that grows memory until it falls over.
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

    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      // One bucket per API key (hashed: the bucket key may be logged), else per client address.
      keyGenerator: (request) => {
        const key = readKey(request);
        return key
          ? `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`
          : `ip:${request.ip}`;
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

    let inFlight = 0;
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return;
      if (inFlight >= config.maxInFlight) {
        throw new ApiError('SIGAP_ERR_UNAVAILABLE', 'The server is at capacity; retry shortly.', {
          retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
        });
      }
      inFlight++;
      let counted = true;
      const release = () => {
        if (counted) inFlight--;
        counted = false;
      };
      reply.raw.once('finish', release);
      reply.raw.once('close', release);
    });

    await app.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      maxHeapUsedBytes: config.maxHeapBytes,
      pressureHandler: (request, _reply, type) => {
        if (ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return;
        throw new ApiError('SIGAP_ERR_UNAVAILABLE', `The server is overloaded (${type}); retry shortly.`, {
          retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
        });
      },
    });
  },
  { name: 'sigap-protection' },
);
