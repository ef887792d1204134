import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/plugin.js';
import type { Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { ApiError } from '../errors.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * Makes a POST safe to retry with the same `Idempotency-Key`: the first request's response is
 * stored in the SAME transaction as its effects, so either both exist or neither does (a crash
 * cannot leave a key that claims work that was lost, or work without its key).
 *
 * Concurrent requests with one key: PostgreSQL makes the second `INSERT ... ON CONFLICT DO
 * NOTHING` wait until the first transaction ends; it then finds the stored response and replays
 * it (or, if the first rolled back, goes ahead itself). So ten racing retries create one incident.
 */
export async function runIdempotent<T>(
  tx: Queryable,
  request: FastifyRequest,
  status: number,
  execute: () => Promise<T>,
): Promise<IdempotentResult<T>> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return { status, body: await execute(), replayed: false };
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
      details: [
        {
          path: '/headers/idempotency-key',
          code: 'format',
          message: 'must be 1-200 printable ASCII characters',
        },
      ],
    });
  }
  const principal = principalOf(request);
  const hash = requestFingerprint(request);
  const claimed = await tx.query(
    `INSERT INTO idempotency_keys (tenant_id, api_key_id, key, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, api_key_id, key) DO NOTHING RETURNING 1`,
    [principal.tenantId, principal.keyId, key, hash],
  );
  if (claimed.rowCount === 0) {
    const { rows } = await tx.query<{
      request_hash: string;
      response_status: number | null;
      response_body: T;
    }>(
      `SELECT request_hash, response_status, response_body FROM idempotency_keys
        WHERE tenant_id = $1 AND api_key_id = $2 AND key = $3`,
      [principal.tenantId, principal.keyId, key],
    );
    const previous = rows[0];
    if (!previous || previous.response_status === null)
      throw new ApiError('SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS');
    if (previous.request_hash !== hash) throw new ApiError('SIGAP_ERR_IDEMPOTENCY_MISMATCH');
    return { status: previous.response_status, body: previous.response_body, replayed: true };
  }
  const body = await execute();
  await tx.query(
    `UPDATE idempotency_keys SET response_status = $4, response_body = $5
      WHERE tenant_id = $1 AND api_key_id = $2 AND key = $3`,
    [principal.tenantId, principal.keyId, key, status, JSON.stringify(body)],
  );
  return { status, body, replayed: false };
}

/** Same route, same parameters, same body (key order aside) → same fingerprint. */
function requestFingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n`)
    .update(`${canonicalJson(request.params)}\n${canonicalJson(request.body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The shape of every tenant write route: run `execute` in the key's tenant transaction,
 * idempotently, and send its result (marking replays with `idempotent-replayed: true`).
 *
 * @example
 * app.post('/incidents', opts, (request, reply) =>
 *   tenantWrite(request, reply, 201, (tx, principal) => createIncident(tx, principal, request.body)));
 */
export async function tenantWrite<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  execute: (tx: Queryable, principal: Principal) => Promise<T>,
) {
  const principal = principalOf(request);
  const result = await withTenant(request.server.db, principal.tenantId, (tx) =>
    runIdempotent(tx, request, status, () => execute(tx, principal)),
  );
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(result.status).send(result.body);
}

/**
 * The shape of every tenant read route: `execute` runs in the key's tenant transaction; with
 * `snapshot`, all its queries see one moment (reports made of several queries need that).
 */
export function tenantRead<T>(
  request: FastifyRequest,
  execute: (tx: Queryable, principal: Principal) => Promise<T>,
  options: { snapshot?: boolean } = {},
): Promise<T> {
  const principal = principalOf(request);
  return withTenant(request.server.db, principal.tenantId, (tx) => execute(tx, principal), options);
}
