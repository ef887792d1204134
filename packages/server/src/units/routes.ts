import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdminUnit,
  CreateUnitBody,
  ErrorResponse,
  ListUnitsQuery,
  Unit,
  UnitPage,
  UnitParams,
  UnitPositionBody,
  UnitPositionResult,
  UnitStatusBody,
  UpdateUnitBody,
} from '@sigap/contract';
import { tenantRead, tenantWrite } from '../plugins/idempotency.js';
import { createUnit, deleteUnit, getAdminUnit, updateUnit } from './admin.js';
import { getUnit, listUnits, reportUnitPosition, setUnitStatus } from './service.js';

/** Everyone who works in or with the centre; integrators (apps) do not see the fleet. */
const READERS = ['call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;
/** Field reports: an agency for its own units, a dispatcher (on the radio) for any. */
const REPORTERS = ['agency', 'dispatcher'] as const;
const ADMIN = ['admin'] as const;

/**
 * Service areas drawn from real kecamatan boundaries are larger than a 112 report: the admin
 * unit routes accept 1 MB instead of the application's 64 kB.
 */
const GEOMETRY_BODY_LIMIT = 1024 * 1024;

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const writeErrors = { ...errors, 422: ErrorResponse };

/** Units in the field: reading, position and status reports, and their administration. */
export const unitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/units',
    {
      config: { roles: READERS },
      schema: {
        tags: ['units'],
        summary: 'List units, by code',
        description: "Agency keys see only their own agency's units. `bbox` uses the spatial index.",
        querystring: ListUnitsQuery,
        response: { 200: UnitPage, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => listUnits(tx, principal, request.query)),
  );

  app.get(
    '/units/:id',
    {
      config: { roles: READERS },
      schema: {
        tags: ['units'],
        summary: 'One unit',
        params: UnitParams,
        response: { 200: Unit, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => getUnit(tx, principal, request.params.id)),
  );

  app.post(
    '/units/:id/position',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['units'],
        summary: "Report a unit's position",
        description:
          'With `at`, a report older than the stored position is not applied (`applied: false`): reports ' +
          'arriving out of order never move a unit backwards. An applied report is a `unit.position` event.',
        params: UnitParams,
        body: UnitPositionBody,
        response: { 200: UnitPositionResult, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        reportUnitPosition(tx, principal, request.params.id, request.body),
      ),
  );

  app.post(
    '/units/:id/status',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['units'],
        summary: 'Set a unit available, busy or offline',
        description: 'A change is a `unit.status_changed` event. `expectedFreeAt` only with busy.',
        params: UnitParams,
        body: UnitStatusBody,
        response: { 200: Unit, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        setUnitStatus(tx, principal, request.params.id, request.body),
      ),
  );

  // --- Administration -------------------------------------------------------------------------

  app.post(
    '/admin/units',
    {
      config: { roles: ADMIN },
      bodyLimit: GEOMETRY_BODY_LIMIT,
      schema: {
        tags: ['admin'],
        summary: 'Create a unit',
        description:
          'The optional service area is a GeoJSON Polygon or MultiPolygon (WGS 84); an invalid one is a 400 with ' +
          "PostGIS's reason. A duplicate code is a 409.",
        body: CreateUnitBody,
        response: { 201: AdminUnit, ...writeErrors, 413: ErrorResponse },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 201, (tx, principal) => createUnit(tx, principal, request.body)),
  );

  app.get(
    '/admin/units/:id',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'One unit with its service area',
        params: UnitParams,
        response: { 200: AdminUnit, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => getAdminUnit(tx, principal, request.params.id)),
  );

  app.patch(
    '/admin/units/:id',
    {
      config: { roles: ADMIN },
      bodyLimit: GEOMETRY_BODY_LIMIT,
      schema: {
        tags: ['admin'],
        summary: 'Change a unit',
        description: '`serviceArea: null` removes the service area (the unit then serves anywhere).',
        params: UnitParams,
        body: UpdateUnitBody,
        response: { 200: AdminUnit, ...writeErrors, 413: ErrorResponse },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        updateUnit(tx, principal, request.params.id, request.body),
      ),
  );

  app.delete(
    '/admin/units/:id',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Delete a unit that was never assigned',
        description: 'A unit in incident history cannot be deleted (409): set it offline instead.',
        params: UnitParams,
        response: { 200: AdminUnit, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) => deleteUnit(tx, principal, request.params.id)),
  );
};
