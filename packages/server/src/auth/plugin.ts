import type { Role } from '@sigap/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';
import { hashApiKey, looksLikeApiKey } from './keys.js';
import type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Roles allowed on this route. Every `/v1` route must declare them (an empty list means
     * "no API key needed"); `auth.test.ts` walks the route table to check it.
     */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The principal of an authenticated request; routes with `roles` can rely on it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('SIGAP_ERR_UNAUTHENTICATED');
  return request.principal;
}

/**
 * Resolves `Authorization: Bearer <key>` (or `x-api-key`) to a principal and enforces the
 * route's `roles`. The key look-up runs as the server's own database user (before any tenant
 * is known); everything after it runs inside the key's tenant (see db/tenant.ts).
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('principal', null);

    app.addHook('onRequest', async (request) => {
      const { roles, authInHandler } = request.routeOptions.config;
      if (roles === undefined || roles.length === 0 || authInHandler) return;
      const secret = readKey(request);
      if (!secret)
        throw new ApiError('SIGAP_ERR_UNAUTHENTICATED', 'Send an API key: Authorization: Bearer <key>.');
      const principal = await authenticateRequest(app, request, secret);
      if (!principal) throw new ApiError('SIGAP_ERR_UNAUTHENTICATED', 'The API key is unknown or revoked.');
      request.principal = principal;
      if (!roles.includes(principal.role)) {
        throw new ApiError(
          'SIGAP_ERR_FORBIDDEN',
          `The role ${principal.role} may not do this (allowed: ${roles.join(', ')}).`,
        );
      }
    });
  },
  { name: 'sigap-auth' },
);

export function readKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match) return match[1]!;
  }
  const alt = request.headers['x-api-key'];
  return typeof alt === 'string' && alt.length > 0 ? alt : null;
}

/**
 * `authenticate` behind the address's failure budget (see auth/guard.ts): an address that keeps
 * sending unknown keys gets 429 without a database look-up; accepted keys always pass.
 */
export async function authenticateRequest(
  app: FastifyInstance,
  request: FastifyRequest,
  secret: string,
): Promise<Principal | null> {
  if (!app.authGuard.mayLookUp(request.ip, secret)) {
    throw new ApiError(
      'SIGAP_ERR_RATE_LIMITED',
      'Too many unknown API keys from this address; retry later.',
      {
        retryAfterSeconds: 60,
      },
    );
  }
  const principal = await authenticate(app, secret);
  if (principal) app.authGuard.accept(secret);
  else app.authGuard.refused(request.ip);
  return principal;
}

export async function authenticate(app: FastifyInstance, secret: string): Promise<Principal | null> {
  if (!looksLikeApiKey(secret)) return null;
  // An agency key stops working with its agency: deactivating an agency shuts its admins out.
  const { rows } = await app.db.query<{
    id: string;
    name: string;
    tenant_id: string;
    role: Role;
    agency_id: string | null;
  }>(
    `SELECT k.id, k.name, k.tenant_id, k.role, k.agency_id FROM api_keys k
       LEFT JOIN agencies a ON a.tenant_id = k.tenant_id AND a.id = k.agency_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.agency_id IS NULL OR a.active)
        AND (k.expires_at IS NULL OR k.expires_at > now())`,
    [hashApiKey(secret)],
  );
  const row = rows[0];
  if (!row) return null;
  noteKeyUse(app, row.id);
  return {
    keyId: row.id,
    keyName: row.name,
    tenantId: row.tenant_id,
    role: row.role,
    agencyId: row.agency_id,
  };
}

/** When each key's `last_used_at` was last written by this process. */
const lastUseWritten = new Map<string, number>();
const LAST_USE_RESOLUTION_MS = 60_000;

/**
 * Records that a key was used, at most once a minute per key and process, off the request's
 * path: admins see which keys are alive without every request paying for a write.
 */
function noteKeyUse(app: FastifyInstance, keyId: string): void {
  const now = Date.now();
  if (now - (lastUseWritten.get(keyId) ?? 0) < LAST_USE_RESOLUTION_MS) return;
  if (lastUseWritten.size > 10_000) lastUseWritten.clear();
  lastUseWritten.set(keyId, now);
  app.db
    .query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [keyId],
    )
    .catch((err: unknown) => app.log.warn({ err }, 'could not record API key use'));
}
