/**
 * The event reducer: a snapshot and then the live messages, in `seq` order, become the maps of
 * active incidents and units the board draws.
 *
 * It updates the state in place and records what changed in `state.dirty` instead of copying:
 * with 10,000 incidents a copy per message would cost O(n) each time, and the map only needs
 * the changed ids to send a diff (`GeoJSONSource.updateData`) once per animation frame.
 */
import type { Incident, LiveEvent, LiveSnapshot, Unit } from '@sigap/sdk';
import { type BoardState, type Dirty, emptyDirty, isActive } from './model.js';

/** Something the board should do beyond redrawing: announce or bring an incident into view. */
export type Effect =
  /** A new incident (or one reopened): pulse it; a P1 is also brought into view and beeped. */
  | { kind: 'new'; incident: Incident }
  /** An incident raised to P1. */
  | { kind: 'escalated'; incident: Incident };

/**
 * Replaces everything with a snapshot (the first message of a subscription without `since`).
 *
 * @example
 * applySnapshot(state, { type: 'snapshot', seq: 12, at, incidents, units });
 */
export function applySnapshot(state: BoardState, snapshot: LiveSnapshot): void {
  state.incidents.clear();
  state.units.clear();
  for (const incident of snapshot.incidents) {
    if (isActive(incident)) state.incidents.set(incident.id, incident);
    noteResolution(state, incident);
  }
  for (const unit of snapshot.units) state.units.set(unit.id, unit);
  state.seq = snapshot.seq;
  state.lastEventAt = snapshot.at;
  state.dirty = { ...emptyDirty(), reset: true, calls: true };
}

/**
 * Applies one live message. Returns what the board should announce. A message at or below the
 * last applied `seq` is a duplicate (a replay overlapping what was already received) and is
 * ignored; so is an incident state older than the one held (its own `seq` is lower).
 *
 * @example
 * for (const effect of applyMessage(state, message)) if (effect.kind === 'new') pulse(effect.incident);
 */
export function applyMessage(state: BoardState, message: LiveEvent): Effect[] {
  if (state.seq !== null && message.seq <= state.seq) return [];
  state.seq = message.seq;
  state.lastEventAt = message.at;
  if (message.incident) return applyIncident(state, message.incident, message.type);
  if (message.unit) applyUnit(state, message.unit);
  else if (message.call) state.dirty.calls = true;
  return [];
}

function applyIncident(state: BoardState, incident: Incident, type: string): Effect[] {
  const held = state.incidents.get(incident.id);
  if (held && incident.seq < held.seq) return [];
  noteResolution(state, incident);
  if (!isActive(incident)) {
    if (held) {
      state.incidents.delete(incident.id);
      state.dirty.incidents.add(incident.id);
    }
    return [];
  }
  state.incidents.set(incident.id, incident);
  state.dirty.incidents.add(incident.id);
  if (type === 'incident.created' || (type === 'incident.reopened' && !held))
    return [{ kind: 'new', incident }];
  if (incident.priority === 'P1' && held && held.priority !== 'P1') return [{ kind: 'escalated', incident }];
  return [];
}

function applyUnit(state: BoardState, unit: Unit): void {
  state.units.set(unit.id, unit);
  state.dirty.units.add(unit.id);
}

/** Keeps `resolved` in step: a resolution is remembered, a reopening forgets it. */
function noteResolution(state: BoardState, incident: Incident): void {
  if (incident.resolvedAt) state.resolved.set(incident.id, incident.resolvedAt);
  else state.resolved.delete(incident.id);
}

/**
 * Adds incidents resolved before the board started (read once from `GET /v1/incidents`), so
 * today's "resolved" figure does not start at zero. The stream's newer state wins.
 *
 * @example
 * seedResolved(state, await listResolvedSince(lastWeek));
 */
export function seedResolved(state: BoardState, incidents: Iterable<Incident>): void {
  for (const incident of incidents) {
    if (!incident.resolvedAt || state.incidents.has(incident.id) || state.resolved.has(incident.id)) continue;
    state.resolved.set(incident.id, incident.resolvedAt);
  }
}

/**
 * Forgets resolutions older than `beforeMs` (epoch ms): a board runs for months, and only
 * today's count is shown.
 *
 * @example
 * forgetResolvedBefore(state, Date.now() - 2 * 86_400_000);
 */
export function forgetResolvedBefore(state: BoardState, beforeMs: number): void {
  for (const [id, at] of state.resolved) if (Date.parse(at) < beforeMs) state.resolved.delete(id);
}

/**
 * Hands over what changed since the last call and starts a new record: called once per
 * animation frame by the board.
 *
 * @example
 * const dirty = takeDirty(state);
 * if (dirty.reset) source.setData(all); else source.updateData(diff(dirty.incidents));
 */
export function takeDirty(state: BoardState): Dirty {
  const dirty = state.dirty;
  state.dirty = emptyDirty();
  return dirty;
}

/** Whether anything waits to be drawn. */
export function isDirty(dirty: Dirty): boolean {
  return dirty.reset || dirty.calls || dirty.incidents.size > 0 || dirty.units.size > 0;
}
