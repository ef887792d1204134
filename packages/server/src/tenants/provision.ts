import type { Role } from '@sigap/contract';
import { generateApiKey } from '../auth/keys.js';
import type { Queryable } from '../db/index.js';
import { DEFAULT_CATEGORIES, type DefaultCategory } from './defaults.js';

export interface NewTenant {
  id: string;
  name: string;
  timeZone: 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura';
  numberPrefix: string;
}

/**
 * Creates a tenant with the default categories. Runs as the server's own database user
 * (platform level): the tenant does not exist yet, so there is nothing to scope to.
 * Returns false when the tenant already exists (nothing is changed then).
 */
export async function createTenant(
  tx: Queryable,
  tenant: NewTenant,
  categories: readonly DefaultCategory[] = DEFAULT_CATEGORIES,
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO tenants (id, name, time_zone, number_prefix) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO NOTHING`,
    [tenant.id, tenant.name, tenant.timeZone, tenant.numberPrefix],
  );
  if (inserted.rowCount === 0) return false;
  await tx.query(
    `INSERT INTO categories (tenant_id, code, label_id, label_en, default_priority, responsible)
     SELECT $1, c.code, c.label_id, c.label_en, c.priority, c.responsible::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            AS c (code, label_id, label_en, priority, responsible)`,
    [
      tenant.id,
      categories.map((c) => c.code),
      categories.map((c) => c.labelId),
      categories.map((c) => c.labelEn),
      categories.map((c) => c.priority),
      categories.map((c) => JSON.stringify(c.responsible)),
    ],
  );
  return true;
}

export interface CreatedKey {
  id: string;
  name: string;
  role: Role;
  agencyId: string | null;
  /** The secret, shown once: only its hash is stored. */
  secret: string;
}

/** Creates an API key bound to one tenant and one role (and one agency for `agency` keys). */
export async function createApiKey(
  tx: Queryable,
  tenantId: string,
  input: { name: string; role: Role; agencyId?: string | null; expiresAt?: string | null },
): Promise<CreatedKey> {
  const key = generateApiKey();
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO api_keys (tenant_id, name, role, agency_id, key_hash, key_prefix, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz) RETURNING id`,
    [tenantId, input.name, input.role, input.agencyId ?? null, key.hash, key.prefix, input.expiresAt ?? null],
  );
  return {
    id: rows[0]!.id,
    name: input.name,
    role: input.role,
    agencyId: input.agencyId ?? null,
    secret: key.secret,
  };
}
