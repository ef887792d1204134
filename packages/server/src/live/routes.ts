import { createHash, randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import { ErrorResponse } from '@sigap/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { authenticateRequest, principalOf, readKey } from '../auth/plugin.js';
import type { Principal } from '../auth/principal.js';
import { withTenant } from '../db/tenant.js';
import { ApiError } from '../errors.js';
import { tenantWrite } from '../plugins/idempotency.js';
import { LiveHub } from './hub.js';
import { FrameBudget, Gate } from './limits.js';
import { CLOSE, closeReason, parseLiveQuery } from './protocol.js';
import { type LiveLoaders, messageObject, readEvents } from './shape.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route authenticates WebSocket upgrades itself, to answer with a close code. */
    authInHandler?: boolean;
  }
  interface FastifyInstance {
    live: LiveHub;
  }
}

const TOKEN_TTL_SECONDS = 300;
/** Live connections waiting for a key look-up past which new ones are told to retry (1013). */
const AUTH_MAX_WAITING = 2000;
const AUTH_WAIT_MS = 10_000;
const ALL_ROLES = ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;

const LiveToken = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  url: Type.String({ description: 'path to open with the token, e.g. /v1/live?token=...' }),
});

const EventsPollQuery = Type.Object({
  since: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  agency: Type.Optional(Type.String({ maxLength: 36 })),
  categories: Type.Optional(Type.String({ maxLength: 1000 })),
  priorities: Type.Optional(Type.String({ maxLength: 20 })),
  bbox: Type.Optional(Type.String({ maxLength: 100 })),
});

const EventsPoll = Type.Object({
  items: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  seq: Type.Integer(),
  more: Type.Boolean(),
});

/** The hub serving an HTTP server: `app.live` exists only inside the /v1 scope. */
const hubsByServer = new WeakMap<object, LiveHub>();

/** The live hub of an application (diagnostics and tests), from any of its scopes. */
export function liveHubOf(app: FastifyInstance): LiveHub {
  const hub = hubsByServer.get(app.server);
  if (!hub) throw new Error('the live routes are not registered on this application');
  return hub;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

export interface LiveRoutesOptions {
  loaders: LiveLoaders;
}

/** The live stream: `GET /v1/live` (WebSocket) and `POST /v1/live/tokens` for browsers. */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRoutesOptions> = async (app, opts) => {
  const config = app.config;
  const hub = new LiveHub(
    app.db,
    opts.loaders,
    {
      maxBufferedBytes: config.live.maxBufferedBytes,
      maxPendingMessages: 10_000,
      heartbeatMs: config.live.heartbeatMs,
      pollMs: config.live.pollMs,
      snapshotLimit: 20_000,
      maxSocketsPerKey: config.live.maxSocketsPerKey,
      maxSocketsPerTenant: config.live.maxSocketsPerTenant,
      maxSnapshotsPerTenant: config.live.maxSnapshotsPerTenant,
    },
    app.log,
  );
  app.decorate('live', hub);
  hubsByServer.set(app.server, hub);
  // Half the pool (at least one connection) may serve live-stream key look-ups at once.
  const poolMax = config.database.backend === 'postgres' ? config.database.poolMax : 2;
  const authGate = new Gate(Math.max(1, Math.floor(poolMax / 2)), AUTH_MAX_WAITING);
  app.addHook('onReady', () => hub.start());
  app.addHook('preClose', () => hub.stop());

  await app.register(websocket, {
    options: { maxPayload: 4096 },
    // The hub closes its clients with a "reconnect with since" reason; then the server goes.
    preClose: (done) => done(),
  });

  app.post(
    '/live/tokens',
    {
      config: { roles: ALL_ROLES },
      schema: {
        tags: ['live'],
        summary: 'A short-lived token to open the live stream from a browser',
        description: `Browsers cannot send an Authorization header on a WebSocket: connect to /v1/live?token=... instead. Valid for ${TOKEN_TTL_SECONDS} s.`,
        response: { 201: LiveToken, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 201, async (tx, principal) => {
        const token = `slt_${randomBytes(24).toString('base64url')}`;
        const { rows } = await tx.query<{ expires_at: Date }>(
          `INSERT INTO live_tokens (token_hash, api_key_id, tenant_id, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
          [hashToken(token), principal.keyId, principal.tenantId, TOKEN_TTL_SECONDS],
        );
        await tx.query('DELETE FROM live_tokens WHERE tenant_id = $1 AND expires_at < now()', [
          principal.tenantId,
        ]);
        return { token, expiresAt: rows[0]!.expires_at.toISOString(), url: `/v1/live?token=${token}` };
      }),
  );

  app.get(
    '/events',
    {
      config: { roles: ALL_ROLES },
      schema: {
        tags: ['live'],
        summary: 'The live stream by polling, for clients without WebSockets',
        description:
          'The same messages as GET /v1/live, after `since`, shaped by role and filters. `seq` is the position ' +
          'reached (events hidden by filters count too): pass it as `since` next time. Without `since`, returns ' +
          'no items and the current position (load the current state from the lists first).',
        querystring: EventsPollQuery,
        response: { 200: EventsPoll, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const parsed = parseLiveQuery(request.query as Record<string, unknown>);
      if ('error' in parsed) {
        const field = parsed.error.split(' ')[0];
        throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
          details: [{ path: `/query/${field}`, code: 'format', message: parsed.error }],
        });
      }
      const limit = request.query.limit ?? 200;
      if (parsed.since === null) {
        const { rows } = await withTenant(app.db, principal.tenantId, (tx) =>
          tx.query<{ seq: number }>(
            'SELECT coalesce(max(seq), 0)::bigint AS seq FROM events WHERE tenant_id = $1',
            [principal.tenantId],
          ),
        );
        return { items: [], seq: rows[0]!.seq, more: false };
      }
      const batch = await readEvents(app.db, opts.loaders, principal.tenantId, parsed.since, limit);
      const items = batch
        .map((prepared) => messageObject(principal, parsed.filters, prepared))
        .filter((m): m is Record<string, unknown> => m !== null);
      return {
        items,
        seq: batch.length > 0 ? batch[batch.length - 1]!.row.seq : parsed.since,
        more: batch.length === limit,
      };
    },
  );

  app.route({
    method: 'GET',
    url: '/live',
    config: { roles: ALL_ROLES, authInHandler: true },
    schema: {
      tags: ['live'],
      summary: 'Live events (WebSocket)',
      description:
        'Upgrade to a WebSocket. Authenticate with Authorization: Bearer <key> or ?token=. Query: since, agency, ' +
        'categories, priorities, bbox. A plain HTTP GET answers 426. See the server README for the protocol.',
      response: { 401: ErrorResponse, 403: ErrorResponse, 426: ErrorResponse },
    },
    handler: async (request, reply) => {
      await principalFor(app, request);
      return reply.status(426).header('upgrade', 'websocket').send({
        code: 'SIGAP_ERR_VALIDATION',
        message: 'This is a WebSocket endpoint: connect with an Upgrade: websocket request.',
        requestId: request.id,
      });
    },
    wsHandler: (socket, request) => {
      // Messages from the client are attached synchronously (see @fastify/websocket): a ping
      // gets a pong; anything else gets an error message, never a crash. A client sending
      // faster than its frame budget, or not reading the answers, is closed: the server does
      // not queue replies nobody reads.
      const budget = new FrameBudget(config.live.maxClientMessagesPerSecond);
      socket.on('message', (data, isBinary) => {
        if (!budget.take()) {
          socket.close(CLOSE.POLICY, 'too many messages; send at most one ping a second');
          return;
        }
        if (socket.bufferedAmount > config.live.maxBufferedBytes) {
          socket.close(CLOSE.RESUME, 'too slow; reconnect with since');
          return;
        }
        let type: unknown;
        try {
          type = isBinary ? undefined : (JSON.parse(data.toString('utf8')) as { type?: unknown })?.type;
        } catch {
          type = undefined;
        }
        const reply =
          type === 'ping'
            ? { type: 'pong', at: new Date().toISOString() }
            : {
                type: 'error',
                code: 'SIGAP_ERR_VALIDATION',
                message: 'unknown message; send {"type":"ping"} or nothing',
              };
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
      });
      void (async () => {
        let principal: Principal;
        // Key look-ups wait for a permit: a storm of connections queues here instead of taking
        // every pooled connection from the REST requests of all tenants.
        const release = await authGate.enter(AUTH_WAIT_MS);
        if (!release) {
          socket.close(CLOSE.TRY_AGAIN, 'server busy; reconnect with since');
          return;
        }
        try {
          principal = await principalFor(app, request);
        } catch (error) {
          // 4401/4403 only when the credentials are at fault; a server that could not check
          // them (pool exhausted, database down) says "try again later", so clients retry.
          if (error instanceof ApiError && error.code === 'SIGAP_ERR_FORBIDDEN') {
            socket.close(CLOSE.FORBIDDEN, closeReason(error.message));
          } else if (error instanceof ApiError && error.code === 'SIGAP_ERR_UNAUTHENTICATED') {
            socket.close(CLOSE.UNAUTHENTICATED, closeReason(error.message));
          } else {
            request.log.warn({ err: error }, 'live stream: could not authenticate; asked to retry');
            socket.close(CLOSE.TRY_AGAIN, 'server busy; reconnect with since');
          }
          return;
        } finally {
          release();
        }
        const parsed = parseLiveQuery(request.query as Record<string, unknown>);
        if ('error' in parsed) {
          socket.close(CLOSE.BAD_REQUEST, closeReason(parsed.error));
          return;
        }
        await hub.attach(socket, principal, parsed.filters, parsed.since);
      })().catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'SIGAP_ERR_UNAVAILABLE') {
          socket.close(CLOSE.TRY_AGAIN, 'server busy; reconnect with since');
          return;
        }
        request.log.warn({ err }, 'live stream: connection setup failed');
        socket.close(CLOSE.INTERNAL, 'internal error; reconnect with since');
      });
    },
  });
};

/** API key (header) or live token (query), resolved to a principal allowed on this route. */
async function principalFor(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  const key = readKey(request);
  let principal: Principal | null = null;
  if (key) {
    principal = await authenticateRequest(app, request, key);
  } else {
    const token = (request.query as { token?: unknown }).token;
    if (typeof token === 'string' && token.startsWith('slt_') && token.length < 100) {
      const { rows } = await app.db.query<{
        id: string;
        name: string;
        tenant_id: string;
        role: Principal['role'];
        agency_id: string | null;
      }>(
        // The key's own rule (auth/plugin.ts authenticate): a token stops with its key or agency.
        `SELECT k.id, k.name, k.tenant_id, k.role, k.agency_id
           FROM live_tokens t JOIN api_keys k ON k.id = t.api_key_id
           LEFT JOIN agencies a ON a.tenant_id = k.tenant_id AND a.id = k.agency_id
          WHERE t.token_hash = $1 AND t.expires_at > now() AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > now()) AND (k.agency_id IS NULL OR a.active)`,
        [hashToken(token)],
      );
      const row = rows[0];
      if (row)
        principal = {
          keyId: row.id,
          keyName: row.name,
          tenantId: row.tenant_id,
          role: row.role,
          agencyId: row.agency_id,
        };
    }
  }
  if (!principal)
    throw new ApiError('SIGAP_ERR_UNAUTHENTICATED', 'Send an API key or a live token (?token=).');
  request.principal = principal;
  return principal;
}
