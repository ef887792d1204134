import type { Db } from '../db/index.js';
import { loadOfficialAreas } from './official-areas.js';

export const DEMO_TENANT_ID = '35.15';

/**
 * The demo tenant, Kabupaten Sidoarjo: created on the first embedded start (or with
 * `--demo`). Idempotent: a restart finds it and changes nothing that was edited since.
 */
export async function ensureDemoTenant(db: Db): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO tenants (id, name, time_zone, number_prefix)
       VALUES ($1, 'Kabupaten Sidoarjo', 'Asia/Jakarta', 'SDA')
       ON CONFLICT (id) DO NOTHING`,
      [DEMO_TENANT_ID],
    );
    if (inserted.rowCount === 0) return { created: false };
    await loadOfficialAreas(tx, DEMO_TENANT_ID);
    return { created: true };
  });
}
