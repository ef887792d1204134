import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Db } from '../db/index.js';
import { withTenant } from '../db/tenant.js';
import { recordIncidentEvent } from './projection.js';
import { reportOverdue } from './watchdog.js';

export type BreachTarget = 'acknowledge' | 'on_scene' | 'resolve' | 'answer';

interface DueBreach {
  tenant_id: string;
  incident_id: string;
  assignment_id: string | null;
  agency_id: string | null;
  target: BreachTarget;
  due_at: Date;
}

/** Targets that have passed unmet and have not been reported yet, across all tenants. */
const FIND_BREACHES = `
  SELECT a.tenant_id, a.incident_id, a.id AS assignment_id, a.agency_id, t.target, t.due_at
    FROM assignments a
    CROSS JOIN LATERAL (VALUES ('acknowledge', a.ack_due_at, a.acknowledged_at),
                               ('on_scene', a.on_scene_due_at, a.on_scene_at),
                               ('resolve', a.resolve_due_at, a.resolved_at)) AS t (target, due_at, met_at)
   WHERE a.status NOT IN ('resolved', 'declined', 'cancelled')
     AND t.due_at < now() AND t.met_at IS NULL AND NOT (t.target = ANY (a.breached))
  UNION ALL
  SELECT i.tenant_id, i.id, NULL, NULL, 'answer', i.answer_due_at
    FROM incidents i
   WHERE i.answer_due_at < now() AND i.resolved_at IS NULL AND NOT i.answer_breached
     AND i.status IN ('received', 'verified', 'dispatched', 'acknowledged', 'en_route', 'on_scene')
   ORDER BY due_at
   LIMIT $1`;

/**
 * Emits one `sla_breached` event per missed target. Safe with several server instances: the
 * conditional UPDATE marks a breach as reported under the row lock, so only one instance's
 * transaction gets a row back and appends the event.
 */
export async function reportBreaches(db: Db, batch = 500): Promise<number> {
  const { rows } = await db.query<DueBreach>(FIND_BREACHES, [batch]);
  let reported = 0;
  for (const breach of rows) {
    const done = await withTenant(db, breach.tenant_id, async (tx) => {
      const marked = breach.assignment_id
        ? await tx.query(
            `UPDATE assignments SET breached = array_append(breached, $3)
              WHERE tenant_id = $1 AND id = $2 AND NOT ($3 = ANY (breached))
                AND status NOT IN ('resolved', 'declined', 'cancelled')`,
            [breach.tenant_id, breach.assignment_id, breach.target],
          )
        : await tx.query(
            `UPDATE incidents SET answer_breached = true
              WHERE tenant_id = $1 AND id = $2 AND NOT answer_breached AND resolved_at IS NULL`,
            [breach.tenant_id, breach.incident_id],
          );
      if (marked.rowCount === 0) return false;
      await recordIncidentEvent(tx, breach.tenant_id, breach.incident_id, {
        type: 'sla_breached',
        actor: SYSTEM_ACTOR,
        assignmentId: breach.assignment_id,
        payload: { target: breach.target, dueAt: breach.due_at.toISOString(), agencyId: breach.agency_id },
      });
      return true;
    });
    if (done) reported++;
  }
  return reported;
}

/**
 * Runs `reportBreaches` and the watchdog (`reportOverdue`) every `intervalMs` until stopped. A failing round (database briefly
 * down) is logged and retried on the next tick; rounds never overlap.
 */
export function startBreachMonitor(
  db: Db,
  intervalMs: number,
  log: { warn(obj: unknown, msg: string): void },
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await reportBreaches(db);
        await reportOverdue(db);
      } catch (err) {
        log.warn({ err }, 'SLA breach check failed; retrying on the next tick');
      }
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
