/**
 * Today's figures for the header: calls and the share of pranks (from the reports API, which
 * counts every call of the day), open and overdue incidents (from the live state), and
 * incidents resolved today (from the live state, seeded at start with the day's earlier ones).
 */
import { isOverdue } from './countdown.js';
import type { BoardState, Targets } from './model.js';
import { localDate } from './time.js';

/** What the board keeps of `GET /v1/reports/summary` for today. */
export interface CallFigures {
  /** The local date the figures are for. */
  date: string;
  total: number;
  /** 0..1, `null` when there were no calls. */
  prankShare: number | null;
}

export interface TodayFigures {
  date: string;
  /** `null`: unknown (no summary yet, or the role may not read it): shown as "—". */
  calls: number | null;
  prankShare: number | null;
  open: number;
  overdue: number;
  resolved: number;
}

/**
 * @example
 * const f = todayFigures(state, { now: Date.now(), timeZone: 'Asia/Jakarta', targets, calls });
 * header.render(f);
 */
export function todayFigures(
  state: BoardState,
  opts: { now: number; timeZone: string; targets?: Targets | null; calls?: CallFigures | null },
): TodayFigures {
  const { now, timeZone } = opts;
  const date = localDate(now, timeZone);
  let overdue = 0;
  for (const incident of state.incidents.values())
    if (isOverdue(incident, now, opts.targets ?? null)) overdue++;
  let resolved = 0;
  for (const at of state.resolved.values()) if (localDate(at, timeZone) === date) resolved++;
  // Yesterday's call figures are not today's: hide them until the next refresh.
  const calls = opts.calls && opts.calls.date === date ? opts.calls : null;
  return {
    date,
    calls: calls ? calls.total : null,
    prankShare: calls ? calls.prankShare : null,
    open: state.incidents.size,
    overdue,
    resolved,
  };
}

/**
 * @example
 * formatShare(0.8125, 'id-ID'); // '81%'
 * formatShare(null, 'id-ID');   // '—'
 */
export function formatShare(share: number | null, locale: string): string {
  if (share === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/**
 * @example
 * formatCount(1234, 'id-ID'); // '1.234'
 * formatCount(null, 'id-ID'); // '—'
 */
export function formatCount(n: number | null, locale: string): string {
  return n === null ? '—' : new Intl.NumberFormat(locale).format(n);
}
