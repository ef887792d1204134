import type { Principal } from '../auth/principal.js';
import type { Db } from '../db/index.js';

/**
 * Whether the principals behind open live sockets may still read the stream. A socket is
 * authenticated once, when it opens; these checks make a revoked or expired key, a changed role
 * or agency, and a deactivated agency end the sockets that key opened.
 *
 * The trigger is the audit trail itself: the admin actions below append an event, whose NOTIFY
 * reaches every instance's live hub (the same path as incident events), so the sockets close on
 * every instance as soon as the change commits. Every heartbeat re-checks all sockets as well, for
 * what no event announces (a key reaching its expiry, a change made directly in the database).
 */
export const ACCESS_EVENTS: ReadonlySet<string> = new Set([
  'admin.key_revoked',
  'admin.key_updated',
  'admin.agency_deactivated',
  'admin.agency_updated',
  'admin.agency_deleted',
]);

interface KeyRow {
  id: string;
  role: string;
  agency_id: string | null;
}

/**
 * The keys among `keyIds` that still authenticate: not revoked, not expired, agency (if any)
 * active — the same rule as `authenticate` in auth/plugin.ts. One query per tenant and check.
 */
export async function usableKeys(
  db: Db,
  tenantId: string,
  keyIds: readonly string[],
): Promise<Map<string, KeyRow>> {
  if (keyIds.length === 0) return new Map();
  const { rows } = await db.query<KeyRow>(
    `SELECT k.id, k.role, k.agency_id FROM api_keys k
       LEFT JOIN agencies a ON a.tenant_id = k.tenant_id AND a.id = k.agency_id
      WHERE k.tenant_id = $1 AND k.id = ANY($2::uuid[]) AND k.revoked_at IS NULL
        AND (k.expires_at IS NULL OR k.expires_at > now())
        AND (k.agency_id IS NULL OR a.active)`,
    [tenantId, [...new Set(keyIds)]],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** A socket keeps streaming only while its key is usable with the role and agency it opened with. */
export function stillAllowed(principal: Principal, keys: ReadonlyMap<string, KeyRow>): boolean {
  const key = keys.get(principal.keyId);
  return key !== undefined && key.role === principal.role && key.agency_id === principal.agencyId;
}
