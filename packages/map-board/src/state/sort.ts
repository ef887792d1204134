import { type Incident, PRIORITY_RANK } from './model.js';

/**
 * Panel order: priority first (P1 on top), then age (the longest waiting first), then number.
 *
 * @example
 * [...incidents].sort(compareIncidents);
 */
export function compareIncidents(a: Incident, b: Incident): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    a.number.localeCompare(b.number)
  );
}

/**
 * Sorts in panel order without parsing a date per comparison (10,000 incidents: ~140,000
 * comparisons), by computing each key once.
 *
 * @example
 * const rows = sortIncidents(state.incidents.values()).slice(0, 50);
 */
export function sortIncidents(incidents: Iterable<Incident>): Incident[] {
  const keyed: { i: Incident; p: number; t: number }[] = [];
  for (const i of incidents) keyed.push({ i, p: PRIORITY_RANK[i.priority], t: Date.parse(i.createdAt) });
  keyed.sort((a, b) => a.p - b.p || a.t - b.t || a.i.number.localeCompare(b.i.number));
  return keyed.map((k) => k.i);
}
