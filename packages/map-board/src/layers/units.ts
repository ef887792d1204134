/** Units: an icon per unit coloured by its status, and its code at street level. */
import type { LayerSpecification } from 'maplibre-gl';
import { COLORS, FONTS } from './theme.js';

export const UNIT_SOURCE = 'units';
export const UNIT_LAYER = 'unit-points';

/**
 * @example
 * for (const layer of unitLayers()) map.addLayer(layer);
 */
export function unitLayers(): LayerSpecification[] {
  return [
    {
      id: UNIT_LAYER,
      type: 'symbol',
      source: UNIT_SOURCE,
      layout: {
        'icon-image': ['concat', 'unit-', ['get', 'status']],
        'icon-size': ['interpolate', ['linear'], ['zoom'], 9, 0.6, 13, 0.9],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    },
    {
      id: 'unit-codes',
      type: 'symbol',
      source: UNIT_SOURCE,
      minzoom: 13,
      layout: {
        'text-field': ['get', 'code'],
        'text-font': [FONTS.regular],
        'text-size': 13,
        'text-offset': [0, 1.5],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': COLORS.areaLabel, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
    },
  ];
}
