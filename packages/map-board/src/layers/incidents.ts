/**
 * Incidents: clusters when zoomed out (coloured by the worst priority inside), then one icon
 * per incident coloured by priority and drawn by category, its number at street level, and a
 * pulse ring on new ones.
 */
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from 'maplibre-gl';
import { COLORS, FONTS } from './theme.js';

export const INCIDENT_SOURCE = 'incidents';
export const PULSE_SOURCE = 'pulses';
export const INCIDENT_LAYER = 'incident-points';
export const CLUSTER_LAYER = 'incident-clusters';
export const PULSE_LAYER = 'incident-pulse';

/** Zoom from which incidents are never clustered. */
export const CLUSTER_MAX_ZOOM = 13;

const isP = (p: string): ExpressionSpecification => ['case', ['==', ['get', 'priority'], p], 1, 0];

/**
 * The clustered source; features carry `id`, `priority`, `category`, `status`, `number`.
 *
 * @example
 * map.addSource(INCIDENT_SOURCE, incidentSource());
 */
export function incidentSource(): GeoJSONSourceSpecification {
  return {
    type: 'geojson',
    data: { type: 'FeatureCollection', features: [] },
    // Feature ids let the board send diffs (updateData) instead of the whole collection.
    promoteId: 'id',
    cluster: true,
    clusterMaxZoom: CLUSTER_MAX_ZOOM,
    clusterRadius: 48,
    clusterProperties: { p1: ['+', isP('P1')], p2: ['+', isP('P2')] },
  };
}

export function pulseSource(): GeoJSONSourceSpecification {
  return { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
}

const priorityColor: ExpressionSpecification = [
  'match',
  ['get', 'priority'],
  'P1',
  COLORS.priority.P1,
  'P2',
  COLORS.priority.P2,
  COLORS.priority.P3,
];

/** The image drawn for an incident: `inc-<category>-<priority>` (made on demand, see map/icons). */
export const incidentIcon: ExpressionSpecification = [
  'concat',
  'inc-',
  ['get', 'category'],
  '-',
  ['get', 'priority'],
];

/**
 * @example
 * for (const layer of incidentLayers()) map.addLayer(layer);
 */
export function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: PULSE_LAYER,
      type: 'circle',
      source: PULSE_SOURCE,
      paint: {
        'circle-radius': 20,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': priorityColor,
        'circle-stroke-width': 4,
        'circle-stroke-opacity': 0,
      },
    },
    {
      id: CLUSTER_LAYER,
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': [
          'case',
          ['>', ['get', 'p1'], 0],
          COLORS.priority.P1,
          ['>', ['get', 'p2'], 0],
          COLORS.priority.P2,
          COLORS.priority.P3,
        ],
        'circle-radius': ['step', ['get', 'point_count'], 20, 10, 26, 100, 34, 1000, 42],
        'circle-stroke-color': COLORS.text,
        'circle-stroke-width': 2,
        'circle-opacity': 0.9,
      },
    },
    {
      id: 'incident-cluster-count',
      type: 'symbol',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': [FONTS.bold],
        'text-size': 18,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': COLORS.text, 'text-halo-color': COLORS.halo, 'text-halo-width': 1 },
    },
    {
      id: INCIDENT_LAYER,
      type: 'symbol',
      source: INCIDENT_SOURCE,
      filter: ['!', ['has', 'point_count']],
      layout: {
        'icon-image': incidentIcon,
        'icon-size': ['match', ['get', 'priority'], 'P1', 1, 'P2', 0.85, 0.75],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        // P1 on top of P2 on top of P3.
        'symbol-sort-key': ['match', ['get', 'priority'], 'P1', 3, 'P2', 2, 1],
      },
    },
    {
      id: 'incident-numbers',
      type: 'symbol',
      source: INCIDENT_SOURCE,
      filter: ['!', ['has', 'point_count']],
      minzoom: 14,
      layout: {
        'text-field': ['get', 'number'],
        'text-font': [FONTS.bold],
        'text-size': 14,
        'text-offset': [0, 1.8],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': COLORS.text, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
    },
  ];
}

/**
 * The pulse at `phase` (0..1 of one beat): a ring growing from the icon and fading out.
 *
 * @example
 * map.setPaintProperty(PULSE_LAYER, 'circle-radius', pulsePaint(0.5).radius);
 */
export function pulsePaint(phase: number): { radius: number; opacity: number } {
  return { radius: 18 + 34 * phase, opacity: 0.9 * (1 - phase) };
}
