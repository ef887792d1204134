import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authPlugin } from './auth/plugin.js';
import { reportsPageRoutes } from './board/reports-page.js';
import { boardRoutes } from './board/routes.js';
import { loadCallView } from './calls/live.js';
import { callRoutes } from './calls/routes.js';
import type { Config } from './config.js';
import type { Capabilities, Db } from './db/index.js';
import { dispatchRoutes } from './dispatch/routes.js';
import { osrmTable } from './dispatch/travel-time/osrm.js';
import { straightLine } from './dispatch/travel-time/straight-line.js';
import type { TravelTimeProvider } from './dispatch/travel-time/types.js';
import { validatedTravelTime } from './dispatch/travel-time/validated.js';
import { ApiError } from './errors.js';
import { fleetRoutes } from './fleet/routes.js';
import { GEOCODER_DEFAULTS } from './geocoding/config.js';
import { type ExternalGeocoder, externalGeocoder, providerFor } from './geocoding/providers/index.js';
import { geocodingRoutes } from './geocoding/routes.js';
import { healthRoutes } from './health/routes.js';
import { incidentRoutes } from './incidents/routes.js';
import { liveRoutes } from './live/routes.js';
import { locationRoutes } from './location/routes.js';
import { clientErrorHandler, clientErrorsPlugin, frameworkErrors } from './plugins/client-errors.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { privacyPlugin, serializeRequest } from './plugins/privacy.js';
import { protectionPlugin } from './plugins/protection.js';
import { findUnsafeValue, validatorCompiler } from './plugins/validation.js';
import { reportRoutes } from './reports/routes.js';
import { tenantPublicRoutes } from './tenants/public-routes.js';
import { tenantAdminRoutes } from './tenants/routes.js';
import { unitRoutes } from './units/routes.js';
import { unitLiveLoaders } from './units/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    capabilities: Capabilities;
    /** Every route as registered: tests walk it so no new route escapes the role and fuzz checks. */
    routeTable: RouteEntry[];
    /** How unit ETAs are estimated: OSRM when configured, else the straight line. */
    travelTime: TravelTimeProvider;
    /** The configured external geocoder (with its timeout and cache), for intake and corrections. */
    geocoder: ExternalGeocoder;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  roles: readonly string[] | undefined;
  hasBody: boolean;
}

export interface BuildAppOptions {
  config: Config;
  db: Db;
  capabilities: Capabilities;
  /** Fastify logger options; tests pass `false`. */
  logger?: FastifyServerOptions['logger'];
}

/** Largest request body accepted; a 112 report is a few kB, so 64 kB leaves room and stops abuse. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Builds the Sigap 112 application without listening (`server.ts` listens; tests use `inject`).
 * Load order: shared infrastructure (errors, docs) → domain plugins → routes.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, db, capabilities } = options;
  const logger = options.logger ?? { level: config.logLevel };
  const app = Fastify({
    // Request URLs are logged with secrets redacted (`?token=slt_…`), whoever configures the logger.
    logger:
      typeof logger === 'object' && logger !== null
        ? { serializers: { req: serializeRequest }, ...logger }
        : logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Accept a caller's request id (so one id follows a report across systems), else make one.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Nobody holds a connection or a half-sent request for free (see "Under load" in the README):
    // a request must arrive whole within requestTimeout (else 408), an idle socket closes.
    requestTimeout: config.limits.requestTimeoutMs,
    connectionTimeout: config.limits.connectionTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(config.limits.requestTimeoutMs, 20_000),
      // Node checks those timeouts on this interval (default 30 s): check every second.
      connectionsCheckingInterval: 1_000,
    },
    // Refusals by Node and by the router answer in the documented error shape (client-errors.ts).
    clientErrorHandler,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addHook('preValidation', async (request) => {
    const unsafe =
      findUnsafeValue(request.body, '/body') ??
      findUnsafeValue(request.query, '/query') ??
      findUnsafeValue(request.params, '/params');
    if (unsafe) {
      throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
        details: [{ path: unsafe.path, code: 'unsafe_text', message: unsafe.message }],
      });
    }
  });
  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('capabilities', capabilities);
  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorate(
    'travelTime',
    config.osrm
      ? validatedTravelTime(osrmTable(config.osrm.url, config.osrm.timeoutMs), app.log)
      : straightLine,
  );
  const geocoderConfig = config.geocoder ?? GEOCODER_DEFAULTS;
  app.decorate('geocoder', externalGeocoder(providerFor(geocoderConfig), geocoderConfig));
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      app.routeTable.push({
        method,
        url: route.url,
        roles: route.config?.roles,
        hasBody: Boolean(route.schema?.body),
      });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    // Incoming ids are echoed only when they are short and plain, so logs cannot be polluted.
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(request.id)) request.id = randomUUID();
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandlerPlugin);
  await app.register(clientErrorsPlugin);
  await app.register(privacyPlugin);
  await app.register(protectionPlugin, { config });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sigap 112 API',
        version: '0.1.0',
        description: 'Emergency call intake, incidents, dispatch and live events for 112 centres.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Sigap API key' } },
      },
    },
  });
  // staticCSP: the docs page and its assets carry a Content-Security-Policy (script and style
  // sources pinned to the page's own origin and hashes).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes);
  await app.register(boardRoutes);
  await app.register(reportsPageRoutes);
  await app.register(authPlugin);
  await app.register(
    async (v1) => {
      await v1.register(incidentRoutes);
      await v1.register(dispatchRoutes);
      await v1.register(callRoutes);
      await v1.register(unitRoutes);
      await v1.register(tenantAdminRoutes);
      await v1.register(tenantPublicRoutes);
      await v1.register(geocodingRoutes);
      await v1.register(locationRoutes);
      await v1.register(reportRoutes);
      await v1.register(fleetRoutes);
      await v1.register(liveRoutes, { loaders: { call: loadCallView, ...unitLiveLoaders } });
    },
    { prefix: '/v1' },
  );

  return app;
}
