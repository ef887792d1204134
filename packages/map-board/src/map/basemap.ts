/**
 * Turns the configured basemap into style input. A PMTiles archive needs the `pmtiles`
 * protocol, loaded only then (a separate chunk: boards without one never download it). A style
 * URL is fetched and the board's layers go on top of it.
 */
import { addProtocol, type StyleSpecification } from 'maplibre-gl';
import type { Basemap } from '../config.js';
import type { BaseStyleOptions } from '../layers/base.js';

let pmtilesReady: Promise<void> | null = null;

/** Registers `pmtiles://` once. */
export function usePmtiles(): Promise<void> {
  pmtilesReady ??= import('pmtiles').then(({ Protocol }) => {
    const protocol = new Protocol();
    addProtocol('pmtiles', protocol.tile);
  });
  return pmtilesReady;
}

const absolute = (url: string) => new URL(url, globalThis.location?.href).href;

/**
 * @example
 * const style = baseStyle({ fonts, ...(await basemapInput(config.basemap)) });
 */
export async function basemapInput(
  basemap: Basemap | null,
): Promise<Pick<BaseStyleOptions, 'raster' | 'basemapStyle'>> {
  if (!basemap) return {};
  if (basemap.type === 'raster') {
    return {
      raster: {
        tiles: [absolute(basemap.url)],
        tileSize: basemap.tileSize,
        attribution: basemap.attribution,
      },
    };
  }
  if (basemap.type === 'pmtiles') {
    await usePmtiles();
    return {
      raster: { url: `pmtiles://${absolute(basemap.url)}`, tileSize: 256, attribution: basemap.attribution },
    };
  }
  const response = await fetch(absolute(basemap.url));
  if (!response.ok) throw new Error(`basemap style: HTTP ${response.status}`);
  const style = (await response.json()) as StyleSpecification;
  if (JSON.stringify(style.sources ?? {}).includes('pmtiles://')) await usePmtiles();
  return { basemapStyle: style };
}
