import type { Db, Queryable } from './types.js';

/**
 * Runs `fn` in one transaction acting for `tenantId`: as the `sigap_app` role with
 * `sigap.tenant_id` set, so PostgreSQL's row-level security hides every other tenant's rows
 * even if a query forgets its `tenant_id` filter. Both settings are transaction-local.
 * With `snapshot`, every read in `fn` sees the database as of one moment (REPEATABLE READ).
 */
export function withTenant<T>(
  db: Db,
  tenantId: string,
  fn: (tx: Queryable) => Promise<T>,
  options: { snapshot?: boolean } = {},
): Promise<T> {
  return db.transaction(async (tx) => {
    // A snapshot (one consistent view for several reads) must be asked for before the first query.
    if (options.snapshot) await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await tx.query(`SELECT set_config('sigap.tenant_id', $1, true)`, [tenantId]);
    await tx.exec('SET LOCAL ROLE sigap_app');
    return fn(tx);
  });
}
