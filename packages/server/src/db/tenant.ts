import type { Db, Queryable } from './types.js';

/**
 * Runs `fn` in one transaction acting for `tenantId`: as the `sigap_app` role with
 * `sigap.tenant_id` set, so PostgreSQL's row-level security hides every other tenant's rows
 * even if a query forgets its `tenant_id` filter. Both settings are transaction-local.
 */
export function withTenant<T>(db: Db, tenantId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('sigap.tenant_id', $1, true)`, [tenantId]);
    await tx.exec('SET LOCAL ROLE sigap_app');
    return fn(tx);
  });
}
