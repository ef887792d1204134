/** Kecamatan outlines, the regency boundary and kecamatan names. */
import type { LayerSpecification } from 'maplibre-gl';
import { COLORS, FONTS } from './theme.js';

export const AREA_SOURCE = 'areas';
export const BOUNDARY_SOURCE = 'boundary';
export const AREA_LABEL_SOURCE = 'area-labels';

/**
 * @example
 * for (const layer of areaLayers()) map.addLayer(layer);
 */
export function areaLayers(): LayerSpecification[] {
  return [
    {
      id: 'area-fill',
      type: 'fill',
      source: AREA_SOURCE,
      paint: { 'fill-color': COLORS.areaFill, 'fill-opacity': 0.85 },
    },
    {
      id: 'area-line',
      type: 'line',
      source: AREA_SOURCE,
      paint: {
        'line-color': COLORS.areaLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 2],
      },
    },
    {
      id: 'boundary-line',
      type: 'line',
      source: BOUNDARY_SOURCE,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': COLORS.boundary,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 4],
      },
    },
  ];
}

/** Names go under the incidents: an incident must never be hidden by a label. */
export function areaLabelLayers(): LayerSpecification[] {
  return [
    {
      id: 'area-labels',
      type: 'symbol',
      source: AREA_LABEL_SOURCE,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [FONTS.bold],
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 13, 12, 18, 15, 24],
        'text-transform': 'uppercase',
        'text-letter-spacing': 0.06,
        'text-max-width': 9,
        'text-padding': 4,
      },
      paint: { 'text-color': COLORS.areaLabel, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
    },
  ];
}
