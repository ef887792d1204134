/**
 * The base style: a dark background, the bundled fonts and, when configured, a basemap.
 * Pure data: no fetching here (a `style:` basemap is fetched by the caller and merged in).
 */
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { COLORS, FONTS } from './theme.js';

export interface BaseStyleOptions {
  /** URLs of the bundled font files. */
  fonts: { regular: string; bold: string };
  /** A raster basemap, as a tile URL template or a `pmtiles://` URL of a raster archive. */
  raster?: { tiles?: string[]; url?: string; tileSize: number; attribution: string } | null;
  /** A basemap style (already fetched) to put under the board's layers. */
  basemapStyle?: StyleSpecification | null;
}

/**
 * @example
 * new maplibregl.Map({ container, style: baseStyle({ fonts: { regular, bold } }) });
 */
export function baseStyle(options: BaseStyleOptions): StyleSpecification {
  const fontFaces = { [FONTS.regular]: options.fonts.regular, [FONTS.bold]: options.fonts.bold };
  const background: LayerSpecification = {
    id: 'background',
    type: 'background',
    paint: { 'background-color': COLORS.background },
  };
  const base = options.basemapStyle;
  if (base) {
    return {
      ...base,
      'font-faces': { ...(base['font-faces'] ?? {}), ...fontFaces },
      layers: [...base.layers],
    };
  }
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [background];
  const raster = options.raster;
  if (raster) {
    sources.basemap = {
      type: 'raster',
      tileSize: raster.tileSize,
      attribution: raster.attribution,
      ...(raster.tiles ? { tiles: raster.tiles } : { url: raster.url! }),
    };
    // Dimmed and desaturated: the basemap is context, the incidents are the news.
    layers.push({
      id: 'basemap',
      type: 'raster',
      source: 'basemap',
      paint: { 'raster-brightness-max': 0.45, 'raster-saturation': -0.6, 'raster-contrast': 0.1 },
    });
  }
  return { version: 8, name: 'Sigap 112 wall-board', 'font-faces': fontFaces, sources, layers };
}
