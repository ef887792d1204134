/**
 * `window.sigapBoard`: what tests (and an operator at the console) can reach of a running
 * board. Declared apart from the board so that tests can type it without the bundler's imports.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Connection } from './controls/indicator.js';
import type { BoardState } from './state/model.js';

/** Work done by the board's own code since it started (times in ms of main thread). */
export interface BoardStats {
  /** Live messages applied to the state, and the time that took. */
  messages: number;
  applyMs: number;
  /** Animation frames that drew changes, and their time (map hand-over, effects). */
  flushes: number;
  flushMs: number;
  /** Panel re-sorts and re-renders (at most 4 a second), and their time. */
  panelUpdates: number;
  panelMs: number;
  /** Updates handed to the map's incident and unit sources (setData / updateData). */
  sourceUpdates?: number;
}

export interface BoardHandle {
  map: MapLibreMap;
  state: BoardState;
  /** `map.queryRenderedFeatures`, bound. */
  queryRenderedFeatures: MapLibreMap['queryRenderedFeatures'];
  /** Properties of the incident features drawn now (unclustered). */
  renderedIncidents(): Record<string, unknown>[];
  connection(): Connection;
  stats(): BoardStats;
  /** Resolves when every change has reached the map, its tiles are loaded and the camera is still. */
  idle(): Promise<void>;
}

declare global {
  interface Window {
    sigapBoard?: BoardHandle;
  }
}
