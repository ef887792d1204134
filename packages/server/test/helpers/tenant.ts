import type { Role } from '@sigap/contract';
import type { Db } from '../../src/db/index.js';
import { DEMO_TENANT_ID, ensureDemoTenant } from '../../src/tenants/demo.js';
import { createApiKey, createTenant } from '../../src/tenants/provision.js';

export interface SeededTenant {
  tenantId: string;
  /** API key secrets by role; `agency` is Damkar's key, `agencyPsc` PSC 119's. */
  keys: Record<Role | 'agencyPsc', string>;
  agencies: Record<string, string>;
}

/** The demo tenant (Kabupaten Sidoarjo) with its areas, agencies, units and a key per role. */
export async function seedDemoTenant(db: Db): Promise<SeededTenant> {
  const { keys } = await ensureDemoTenant(db);
  if (keys.length === 0) throw new Error('the demo tenant already exists in this test database');
  const { rows } = await db.query<{ code: string; id: string }>(
    'SELECT code, id FROM agencies WHERE tenant_id = $1',
    [DEMO_TENANT_ID],
  );
  const byName = (name: string) => keys.find((k) => k.name === name)!.secret;
  return {
    tenantId: DEMO_TENANT_ID,
    keys: {
      admin: byName('Demo admin'),
      dispatcher: byName('Demo dispatcher'),
      call_taker: byName('Demo call taker'),
      viewer: byName('Demo wall-board'),
      integrator: byName('Demo citizen app'),
      agency: byName('Demo Damkar admin'),
      agencyPsc: byName('Demo PSC 119 admin'),
    },
    agencies: Object.fromEntries(rows.map((r) => [r.code, r.id])),
  };
}

/**
 * A second, small tenant (Kota Surabaya, no geometry) with one Damkar agency and a key per
 * role: the neighbour that must never see or touch the demo tenant's data.
 */
export async function seedOtherTenant(db: Db): Promise<SeededTenant> {
  const tenantId = '35.78';
  return db.transaction(async (tx) => {
    await createTenant(tx, {
      id: tenantId,
      name: 'Kota Surabaya',
      timeZone: 'Asia/Jakarta',
      numberPrefix: 'SBY',
    });
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO agencies (tenant_id, code, type, kind, name)
       VALUES ($1, 'DAMKAR-SBY', 'DAMKAR', 'opd', 'Dinas Pemadam Kebakaran Kota Surabaya') RETURNING id`,
      [tenantId],
    );
    const damkar = rows[0]!.id;
    const keys = {} as SeededTenant['keys'];
    for (const role of ['admin', 'dispatcher', 'call_taker', 'viewer', 'integrator'] as const) {
      keys[role] = (await createApiKey(tx, tenantId, { name: `Surabaya ${role}`, role })).secret;
    }
    keys.agency = (
      await createApiKey(tx, tenantId, { name: 'Surabaya Damkar', role: 'agency', agencyId: damkar })
    ).secret;
    keys.agencyPsc = keys.agency;
    return { tenantId, keys, agencies: { 'DAMKAR-SBY': damkar } };
  });
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
