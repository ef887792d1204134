/**
 * Assignment lines from a unit to its incident: dashed yellow while the agency has not moved
 * (dispatched, acknowledged), solid white once it is on its way or on scene.
 */
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { COLORS } from './theme.js';

export const ASSIGNMENT_SOURCE = 'assignments';

const MOVING = ['en_route', 'on_scene'];

/**
 * @example
 * for (const layer of assignmentLayers()) map.addLayer(layer);
 */
export function assignmentLayers(): LayerSpecification[] {
  const width: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 9, 1.5, 14, 3.5];
  return [
    {
      id: 'assignment-lines-pending',
      type: 'line',
      source: ASSIGNMENT_SOURCE,
      filter: ['!', ['in', ['get', 'status'], ['literal', MOVING]]],
      layout: { 'line-cap': 'round' },
      paint: {
        'line-color': COLORS.assignment.pending,
        'line-width': width,
        'line-dasharray': [2, 2],
        'line-opacity': 0.9,
      },
    },
    {
      id: 'assignment-lines-moving',
      type: 'line',
      source: ASSIGNMENT_SOURCE,
      filter: ['in', ['get', 'status'], ['literal', MOVING]],
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': COLORS.assignment.moving, 'line-width': width, 'line-opacity': 0.9 },
    },
  ];
}
