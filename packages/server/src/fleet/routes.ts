import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorResponse,
  PutUnitTypeBody,
  ResponsePlan,
  ResponsePlanBody,
  ResponsePlanList,
  ResponsePlanParams,
  UnitType,
  UnitTypeList,
  UnitTypeParams,
} from '@sigap/contract';
import { tenantRead, tenantWrite } from '../plugins/idempotency.js';
import { getPlan, listPlans, listUnitTypes, putPlan, putUnitType, resetPlan } from './service.js';

const ADMIN = ['admin'] as const;
const STAFF = ['call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;
const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

/** The fleet model: unit types (what a unit's `kind` may be) and response plans per category. */
export const fleetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/unit-types',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['units'],
        summary: 'List unit types',
        description:
          'The built-in types (fire_engine, ambulance_als, boat, pju_crew...) and the tenant’s own.',
        response: { 200: UnitTypeList, ...errors },
      },
    },
    (request) =>
      tenantRead(request, async (tx, principal) => ({ items: await listUnitTypes(tx, principal.tenantId) })),
  );

  app.put(
    '/admin/unit-types/:code',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create or replace one of the tenant’s own unit types',
        description: 'Built-in types cannot be changed (409).',
        params: UnitTypeParams,
        body: PutUnitTypeBody,
        response: { 200: UnitType, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        putUnitType(tx, principal, request.params.code, request.body),
      ),
  );

  app.get(
    '/response-plans',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['dispatch'],
        summary: 'The response plan of every category',
        description:
          'Units each category needs by type (e.g. fire: 2 fire_engine + 1 rescue), and rules that add units ' +
          'by priority or condition (fire with victims >= 1 adds an ambulance_als). `custom` is false for the built-in default.',
        response: { 200: ResponsePlanList, ...errors },
      },
    },
    (request) =>
      tenantRead(request, async (tx, principal) => ({ items: await listPlans(tx, principal.tenantId) })),
  );

  app.get(
    '/response-plans/:category',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['dispatch'],
        summary: 'The response plan of one category',
        params: ResponsePlanParams,
        response: { 200: ResponsePlan, ...errors },
      },
    },
    (request) =>
      tenantRead(request, (tx, principal) => getPlan(tx, principal.tenantId, request.params.category)),
  );

  app.put(
    '/admin/response-plans/:category',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Replace a category’s response plan',
        description: 'Every unit type named must exist for the tenant (400 naming the slot otherwise).',
        params: ResponsePlanParams,
        body: ResponsePlanBody,
        response: { 200: ResponsePlan, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        putPlan(tx, principal, request.params.category, request.body),
      ),
  );

  app.delete(
    '/admin/response-plans/:category',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Go back to the built-in default plan of a category',
        params: ResponsePlanParams,
        response: { 200: ResponsePlan, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) => resetPlan(tx, principal, request.params.category)),
  );
};
