import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Db } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { DEFAULT_SETTINGS } from '../tenants/defaults.js';
import { recordIncidentEvent } from './projection.js';

/** The two waits the watchdog times: for verification, then for the first dispatch. */
export type OverdueStep = 'verification' | 'dispatch';

interface DueOverdue {
  tenant_id: string;
  incident_id: string;
  step: OverdueStep;
  priority: string;
  limit_s: number;
  due_at: Date;
}

/**
 * A tenant's limit for one priority and step: its override when it is a positive number, else
 * the built-in default passed as $2 (settings are stored as partial overrides, see tenants/settings.ts).
 */
const limit = (key: 'verifyS' | 'dispatchS') => `
  CASE WHEN jsonb_typeof(t.settings->'watchdog'->i.priority->'${key}') = 'number'
            AND (t.settings->'watchdog'->i.priority->>'${key}')::numeric > 0
       THEN (t.settings->'watchdog'->i.priority->>'${key}')::numeric::int
       ELSE ($2::jsonb->i.priority->>'${key}')::int END`;

/**
 * Incidents waiting past their limit, across all tenants, not reported yet. Only incidents still
 * `received` (verification) or `verified` with no open assignment (dispatch) qualify, through
 * the partial index incidents_waiting. The dispatch clock starts at verification, or at creation
 * for incidents created verified (a call taker's report). `$3` is "now" (null: the database clock).
 */
const FIND_OVERDUE = `
  WITH waiting AS (
    SELECT i.tenant_id, i.id, i.status, i.priority, i.created_at, i.verified_at, i.overdue_reported,
           ${limit('verifyS')} AS verify_s, ${limit('dispatchS')} AS dispatch_s
      FROM incidents i JOIN tenants t ON t.id = i.tenant_id
     WHERE i.status IN ('received', 'verified')
  ), due AS (
    SELECT tenant_id, id, priority, 'verification' AS step, verify_s AS limit_s,
           created_at + make_interval(secs => verify_s) AS due_at, overdue_reported
      FROM waiting WHERE status = 'received' AND verify_s IS NOT NULL
    UNION ALL
    SELECT w.tenant_id, w.id, w.priority, 'dispatch', w.dispatch_s,
           coalesce(w.verified_at, w.created_at) + make_interval(secs => w.dispatch_s), w.overdue_reported
      FROM waiting w WHERE w.status = 'verified' AND w.dispatch_s IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.tenant_id = w.tenant_id AND a.incident_id = w.id
                         AND a.status NOT IN ('resolved', 'declined', 'cancelled'))
  )
  SELECT tenant_id, id AS incident_id, step, priority, limit_s, due_at FROM due
   WHERE due_at < coalesce($3::timestamptz, now()) AND NOT (step = ANY (overdue_reported))
   ORDER BY due_at
   LIMIT $1`;

/**
 * Appends one `verification_overdue` / `dispatch_overdue` event per incident left waiting past
 * the tenant's limit for its priority (a P1 app report nobody verified for a minute). Like the
 * SLA monitor, safe with several server instances: the conditional UPDATE marks the step
 * reported under the row lock, so only one transaction appends the event.
 * `now` lets tests move the clock instead of waiting.
 */
export async function reportOverdue(db: Db, options: { batch?: number; now?: Date } = {}): Promise<number> {
  const { rows } = await db.query<DueOverdue>(FIND_OVERDUE, [
    options.batch ?? 500,
    JSON.stringify(DEFAULT_SETTINGS.watchdog),
    options.now?.toISOString() ?? null,
  ]);
  let reported = 0;
  for (const due of rows) {
    const done = await withTenant(db, due.tenant_id, async (tx) => {
      const marked = await tx.query(
        `UPDATE incidents SET overdue_reported = array_append(overdue_reported, $3)
          WHERE tenant_id = $1 AND id = $2 AND NOT ($3 = ANY (overdue_reported))
            AND status = $4`,
        [due.tenant_id, due.incident_id, due.step, due.step === 'verification' ? 'received' : 'verified'],
      );
      if (marked.rowCount === 0) return false;
      await recordIncidentEvent(tx, due.tenant_id, due.incident_id, {
        type: `${due.step}_overdue`,
        actor: SYSTEM_ACTOR,
        payload: { priority: due.priority, limitS: due.limit_s, dueAt: due.due_at.toISOString() },
      });
      return true;
    });
    if (done) reported++;
  }
  return reported;
}
