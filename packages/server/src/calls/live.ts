import type { Call } from '@sigap/contract';
import type { Queryable } from '../db/index.js';
import { serializeCall } from './service.js';
import * as sql from './sql.js';

/**
 * How the live stream shows a call event's call: in full for call takers and dispatchers, with
 * the number masked for everyone else the stream lets see calls. It fits the live `call`
 * loader (`LiveLoaders['call']`; typed structurally, so this domain does not depend on live/).
 */
export async function loadCallView(
  tx: Queryable,
  tenantId: string,
  id: string,
): Promise<{ full: Call; masked: Call } | null> {
  const q = sql.selectCall(tenantId, id);
  const { rows } = await tx.query<sql.CallRow>(q.text, q.values);
  const row = rows[0];
  if (!row) return null;
  return { full: serializeCall(row, 'dispatcher'), masked: serializeCall(row, 'viewer') };
}
