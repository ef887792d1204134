import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Agency,
  AgencyPage,
  AgencyParams,
  ApiKey,
  ApiKeyPage,
  ApiKeyParams,
  Category,
  CategoryPage,
  CategoryParams,
  CreateAgencyBody,
  CreateApiKeyBody,
  CreateCategoryBody,
  CreatedApiKey,
  DeleteAgencyResult,
  ErrorResponse,
  ListAgenciesQuery,
  ListApiKeysQuery,
  ListCategoriesQuery,
  TenantProfile,
  UpdateAgencyBody,
  UpdateCategoryBody,
  UpdateTenantBody,
} from '@sigap/contract';
import { principalOf } from '../auth/plugin.js';
import { withTenant } from '../db/tenant.js';
import { runIdempotent, tenantRead, tenantWrite } from '../plugins/idempotency.js';
import {
  createAgency,
  createCategory,
  createTenantApiKey,
  deleteAgency,
  getAgency,
  getTenantProfile,
  listAgencies,
  listApiKeys,
  listCategories,
  revokeTenantApiKey,
  updateAgency,
  updateCategory,
  updateTenantProfile,
} from './admin-service.js';

const ADMIN = ['admin'] as const;
/** Everyone who works in or with the centre; integrators (apps) have no use for the roster. */
const STAFF = ['call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;
const EVERYONE = ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const writeErrors = { ...errors, 422: ErrorResponse };

/**
 * Tenant administration. Configuration is written under `/v1/admin/...` (role admin only, so a
 * reverse proxy can keep the whole prefix off the public internet); what operators need to
 * read — agencies, categories — is at `/v1/agencies` and `/v1/categories`. Every change is an
 * `admin.*` event in the tenant's audit trail.
 */
export const tenantAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // --- Tenant profile and settings ------------------------------------------------------------

  app.get(
    '/admin/tenant',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: "The tenant's profile and settings",
        description:
          '`settings` are the effective values; `overrides` what the tenant changed from the defaults.',
        response: { 200: TenantProfile, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => getTenantProfile(tx, principal)),
  );

  app.patch(
    '/admin/tenant',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Change the name, time zone or settings',
        description:
          'Settings are a merge patch of the overrides: a value overrides the default, `null` restores it, ' +
          'a missing field is unchanged. Targets must not contradict each other (on scene before acknowledged).',
        body: UpdateTenantBody,
        response: { 200: TenantProfile, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) => updateTenantProfile(tx, principal, request.body)),
  );

  // --- Agencies -------------------------------------------------------------------------------

  app.get(
    '/agencies',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['agencies'],
        summary: 'List agencies, by code',
        querystring: ListAgenciesQuery,
        response: { 200: AgencyPage, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => listAgencies(tx, principal, request.query)),
  );

  app.get(
    '/agencies/:id',
    {
      config: { roles: STAFF },
      schema: {
        tags: ['agencies'],
        summary: 'One agency',
        params: AgencyParams,
        response: { 200: Agency, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => getAgency(tx, principal, request.params.id)),
  );

  app.post(
    '/admin/agencies',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create an agency',
        description: 'A duplicate code is a 409.',
        body: CreateAgencyBody,
        response: { 201: Agency, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 201, (tx, principal) => createAgency(tx, principal, request.body)),
  );

  app.patch(
    '/admin/agencies/:id',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: "Change an agency's name, kind or active flag",
        description: 'Inactive agencies are not dispatched; their history stays.',
        params: AgencyParams,
        body: UpdateAgencyBody,
        response: { 200: Agency, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        updateAgency(tx, principal, request.params.id, request.body),
      ),
  );

  app.delete(
    '/admin/agencies/:id',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Delete an agency, or deactivate it when it is referenced',
        description:
          'An agency nothing refers to is deleted (`deleted: true`). One with units, keys or assignments is ' +
          'part of the history: it is deactivated instead (`deleted: false`, `agency.active: false`).',
        params: AgencyParams,
        response: { 200: DeleteAgencyResult, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) => deleteAgency(tx, principal, request.params.id)),
  );

  // --- Categories -----------------------------------------------------------------------------

  app.get(
    '/categories',
    {
      config: { roles: EVERYONE },
      schema: {
        tags: ['categories'],
        summary: 'List categories, by code',
        description:
          'Labels in Indonesian and English, default priority and responsible agency types. Active ones ' +
          'unless `includeInactive=true`.',
        querystring: ListCategoriesQuery,
        response: { 200: CategoryPage, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => listCategories(tx, principal, request.query)),
  );

  app.post(
    '/admin/categories',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create a category',
        description: 'A duplicate code is a 409.',
        body: CreateCategoryBody,
        response: { 201: Category, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 201, (tx, principal) => createCategory(tx, principal, request.body)),
  );

  app.patch(
    '/admin/categories/:code',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Change a category',
        description:
          'Labels, default priority, responsible agency types, target overrides (`null`: the tenant target ' +
          'for the priority) and the active flag. Categories are never deleted: incidents refer to them.',
        params: CategoryParams,
        body: UpdateCategoryBody,
        response: { 200: Category, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        updateCategory(tx, principal, request.params.code, request.body),
      ),
  );

  // --- API keys -------------------------------------------------------------------------------

  app.get(
    '/admin/keys',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'List API keys, newest first (never their secrets)',
        querystring: ListApiKeysQuery,
        response: { 200: ApiKeyPage, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => listApiKeys(tx, principal, request.query)),
  );

  app.post(
    '/admin/keys',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; its secret is in this response only',
        description:
          'An agency key names an active agency of this tenant (`agencyId`); other roles must not. The ' +
          'secret is never stored: an Idempotency-Key replay answers with `secret: null`.',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...writeErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // The idempotency record stores the response without the secret: a secret at rest in
      // idempotency_keys would defeat storing only the key's hash.
      const created = { secret: null as string | null };
      const result = await withTenant(app.db, principal.tenantId, (tx) =>
        runIdempotent(tx, request, 201, async () => {
          const { key, secret } = await createTenantApiKey(tx, principal, request.body);
          created.secret = secret;
          return key;
        }),
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply
        .status(result.status)
        .send({ ...result.body, secret: result.replayed ? null : created.secret });
    },
  );

  app.post(
    '/admin/keys/:id/revoke',
    {
      config: { roles: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key at once',
        description:
          'The next request with the key is a 401. Revoking a revoked key changes nothing. The last usable ' +
          'admin key cannot be revoked (409).',
        params: ApiKeyParams,
        response: { 200: ApiKey, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        revokeTenantApiKey(tx, principal, request.params.id),
      ),
  );
};
