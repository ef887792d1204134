import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sigap/contract';
import Type from 'typebox';
import { tenantRead } from '../plugins/idempotency.js';
import { resolveSettings } from './defaults.js';

const EVERYONE = ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;

const PublicTenant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  timeZone: Type.String({
    description: 'IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)',
  }),
  bbox: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()], {
    description: 'minLon,minLat,maxLon,maxLat of its boundaries, when known',
  }),
  targets: Type.Record(Type.String(), Type.Unknown(), {
    description: 'response targets per priority, seconds',
  }),
});

const AreasQuery = Type.Object(
  {
    level: Type.Optional(Type.Enum(['kabupaten', 'kecamatan', 'desa'])),
    /** Simplification tolerance in degrees; the wall-board needs outlines, not survey lines. */
    simplify: Type.Optional(Type.Number({ minimum: 0, maximum: 0.01, default: 0.0002 })),
  },
  { additionalProperties: false },
);

const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});

/**
 * What every key may know about its own tenant: the profile a map or an app needs (name, time
 * zone, extent, targets) and the boundaries of its areas as GeoJSON, for maps that must work
 * without any tile server.
 */
export const tenantPublicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tenant',
    {
      config: { roles: EVERYONE },
      schema: {
        tags: ['tenants'],
        summary: "The key's tenant: name, time zone, map extent, response targets",
        response: { 200: PublicTenant, 401: ErrorResponse },
      },
    },
    (request) =>
      tenantRead(request, async (tx, principal) => {
        const { rows } = await tx.query<{
          id: string;
          name: string;
          time_zone: string;
          settings: unknown;
          bbox: number[] | null;
        }>(
          `SELECT t.id, t.name, t.time_zone, t.settings,
                  (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
                     FROM (SELECT ST_Extent(coalesce(boundary, point)) AS e FROM areas
                            WHERE tenant_id = t.id AND level IN ('kabupaten', 'kecamatan')) x
                    WHERE e IS NOT NULL) AS bbox
             FROM tenants t WHERE t.id = $1`,
          [principal.tenantId],
        );
        const t = rows[0]!;
        return {
          id: t.id,
          name: t.name,
          timeZone: t.time_zone,
          bbox: t.bbox,
          targets: resolveSettings(t.settings).targets,
        };
      }),
  );

  app.get(
    '/areas',
    {
      config: { roles: EVERYONE },
      schema: {
        tags: ['tenants'],
        summary: "The tenant's areas with their boundaries or points, as GeoJSON",
        querystring: AreasQuery,
        response: { 200: FeatureCollection, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    (request) =>
      tenantRead(request, async (tx, principal) => {
        const { rows } = await tx.query<{ feature: Record<string, unknown> }>(
          `SELECT json_build_object(
                    'type', 'Feature',
                    'id', code,
                    'properties', json_build_object('code', code, 'name', name, 'level', level, 'parentCode', parent_code),
                    'geometry', ST_AsGeoJSON(coalesce(ST_SimplifyPreserveTopology(boundary, $3), point), 6)::json
                  ) AS feature
             FROM areas
            WHERE tenant_id = $1 AND ($2::text IS NULL OR level = $2) AND coalesce(boundary, point) IS NOT NULL
            ORDER BY code`,
          [principal.tenantId, request.query.level ?? null, request.query.simplify ?? 0.0002],
        );
        return { type: 'FeatureCollection' as const, features: rows.map((r) => r.feature) };
      }),
  );
};
