/**
 * Response-target clocks. Each open incident shows a countdown to the next target it has to
 * meet; past it, the countdown goes negative and the board shows it as breached (red).
 *
 * Which target is next:
 * - for each active assignment, its first unmet target that has a due time, in the order
 *   acknowledge → on scene → resolve (the server computed the due times at dispatch);
 * - the answer to the reporter (`answerDueAt`, P3's "1x24 jam") while unresolved;
 * - an incident not dispatched yet has no server clock: the board counts the tenant's
 *   acknowledge target from the report's creation ("dispatch"), so an incident waiting on the
 *   centre itself is not shown as if nothing was late.
 * The earliest of these is the one shown.
 */
import { ACTIVE_ASSIGNMENT_STATUSES, type Incident, type Targets } from './model.js';

export type TargetKind = 'dispatch' | 'acknowledge' | 'onScene' | 'resolve' | 'answer';

export interface Deadline {
  kind: TargetKind;
  /** Epoch ms. */
  dueAt: number;
}

export interface Countdown extends Deadline {
  /** Negative once breached. */
  remainingMs: number;
  breached: boolean;
}

// Incidents are immutable once received (an update is a new object), so a deadline computed
// for one object stays true: the panel and the overdue figure ask every second.
const cache = new WeakMap<Incident, Deadline | null>();
const cacheTargets = new WeakMap<Incident, Targets | null>();

/**
 * @example
 * nextDeadline(incident, { P1: { acknowledgeS: 120, onSceneS: 900, resolveS: null } });
 * // { kind: 'acknowledge', dueAt: 1763900520000 }
 */
export function nextDeadline(incident: Incident, targets: Targets | null = null): Deadline | null {
  if (cache.has(incident) && cacheTargets.get(incident) === targets) return cache.get(incident)!;
  const deadline = computeDeadline(incident, targets);
  cache.set(incident, deadline);
  cacheTargets.set(incident, targets);
  return deadline;
}

function computeDeadline(incident: Incident, targets: Targets | null): Deadline | null {
  let best: Deadline | null = null;
  const consider = (kind: TargetKind, iso: string | null | undefined) => {
    if (!iso) return;
    const dueAt = Date.parse(iso);
    if (Number.isNaN(dueAt)) return;
    if (!best || dueAt < best.dueAt) best = { kind, dueAt };
  };
  let dispatched = false;
  for (const a of incident.assignments) {
    if (!ACTIVE_ASSIGNMENT_STATUSES.has(a.status)) continue;
    dispatched = true;
    const steps: [TargetKind, string | null, string | null][] = [
      ['acknowledge', a.due.acknowledge, a.acknowledgedAt],
      ['onScene', a.due.onScene, a.onSceneAt],
      ['resolve', a.due.resolve, a.resolvedAt],
    ];
    const next = steps.find(([, due, met]) => due !== null && met === null);
    if (next) consider(next[0], next[1]);
  }
  if (!incident.resolvedAt) consider('answer', incident.answerDueAt);
  if (!dispatched && !best) {
    const ackS = targets?.[incident.priority]?.acknowledgeS;
    if (typeof ackS === 'number') {
      const created = Date.parse(incident.createdAt);
      if (!Number.isNaN(created)) best = { kind: 'dispatch', dueAt: created + ackS * 1000 };
    }
  }
  return best;
}

/**
 * @example
 * const c = countdown(incident, Date.now(), targets);
 * if (c?.breached) row.classList.add('breached');
 */
export function countdown(incident: Incident, now: number, targets: Targets | null = null): Countdown | null {
  const deadline = nextDeadline(incident, targets);
  if (!deadline) return null;
  const remainingMs = deadline.dueAt - now;
  return { ...deadline, remainingMs, breached: remainingMs < 0 };
}

/**
 * Overdue: the server says so (a target passed: `overdue`), or a clock ran out since.
 *
 * @example
 * const late = [...state.incidents.values()].filter((i) => isOverdue(i, Date.now(), targets)).length;
 */
export function isOverdue(incident: Incident, now: number, targets: Targets | null = null): boolean {
  if (incident.overdue) return true;
  const deadline = nextDeadline(incident, targets);
  return deadline !== null && deadline.dueAt < now;
}

/**
 * `mm:ss` under an hour, `h:mm:ss` above; a minus sign (U+2212) once breached. Whole seconds,
 * rounded toward the deadline so "00:00" is shown only at the deadline itself.
 *
 * @example
 * formatRemaining(125_000);   // '02:05'
 * formatRemaining(-61_000);   // '−01:01'
 * formatRemaining(86_400_000) // '24:00:00'
 */
export function formatRemaining(ms: number): string {
  const negative = ms < 0;
  const total = negative ? Math.ceil(-ms / 1000) : Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const body = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return negative ? `\u2212${body}` : body;
}
