import type { HotspotReport } from '@sigap/contract';
import { type GeoJSONSource, Map as MapLibreMap, NavigationControl } from 'maplibre-gl';
import type { AreaCollection, Tenant } from './api.js';
import { h } from './dom.js';

type GeoData = Parameters<GeoJSONSource['setData']>[0];

/**
 * The hotspot map: kecamatan outlines shaded by their incident count, and the hotspot grid as
 * circles sized by count. No tiles, no glyphs, no text on the map (no fonts to fetch): names are
 * in the table next to it. For print, the canvas is copied into an <img> each time the map is
 * idle (WebGL canvases do not always print).
 */
export class MapView {
  readonly el: HTMLDivElement;
  private readonly canvasBox: HTMLDivElement;
  private readonly printImage: HTMLImageElement;
  private map: MapLibreMap | null = null;
  private loaded: Promise<void> | null = null;
  private failed = false;

  constructor(alt: string) {
    this.canvasBox = h('div', { class: 'map-canvas no-print' });
    this.printImage = h('img', { class: 'map-print', alt });
    this.el = h('div', { class: 'map-wrap' }, this.canvasBox, this.printImage);
    document.body.dataset.map = 'pending';
  }

  /** Sets the data (creating the map the first time) and resolves when the map is idle. */
  async show(tenant: Tenant, areas: AreaCollection, hotspots: HotspotReport): Promise<boolean> {
    if (this.failed) return false;
    document.body.dataset.map = 'pending';
    const counts = new Map(hotspots.areas.map((a) => [a.code, a.count]));
    const shaded: AreaCollection = {
      type: 'FeatureCollection',
      features: areas.features.map((f) => ({
        ...f,
        properties: { ...f.properties, count: counts.get(f.properties.code) ?? 0 },
      })),
    };
    const maxArea = Math.max(1, ...counts.values());
    const maxCell = Math.max(1, ...hotspots.grid.features.map((f) => f.properties.count));
    try {
      if (!this.map) this.create(tenant, areas);
      await this.loaded;
    } catch (error) {
      console.error(error);
      this.failed = true;
      document.body.dataset.map = 'failed';
      return false;
    }
    const map = this.map!;
    (map.getSource('areas') as GeoJSONSource).setData(shaded as GeoData);
    (map.getSource('grid') as GeoJSONSource).setData(hotspots.grid as GeoData);
    map.setPaintProperty('areas-fill', 'fill-color', [
      'interpolate',
      ['linear'],
      ['get', 'count'],
      0,
      '#f3f4f6',
      maxArea,
      '#f59e0b',
    ]);
    map.setPaintProperty('grid', 'circle-radius', [
      'interpolate',
      ['linear'],
      ['get', 'count'],
      1,
      5,
      maxCell,
      maxCell === 1 ? 5 : 16,
    ]);
    await new Promise<void>((resolve) => map.once('idle', () => resolve()));
    this.snapshot();
    document.body.dataset.map = 'idle';
    return true;
  }

  /** After the element was moved in the DOM (a re-render), the canvas takes its new size. */
  resize(): void {
    this.map?.resize();
  }

  private create(tenant: Tenant, areas: AreaCollection): void {
    const bounds = tenant.bbox ?? extent(areas);
    const map = new MapLibreMap({
      container: this.canvasBox,
      style: {
        version: 8,
        sources: {},
        layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f5' } }],
      },
      bounds: bounds ?? undefined,
      fitBoundsOptions: { padding: 16 },
      center: bounds ? undefined : [0, 0],
      attributionControl: false,
      scrollZoom: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    this.map = map;
    this.loaded = new Promise((resolve, reject) => {
      map.once('error', (e) => reject(e.error ?? new Error('map error')));
      map.once('load', () => {
        map.addSource('areas', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
        map.addSource('grid', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
        map.addLayer({ id: 'areas-fill', type: 'fill', source: 'areas', paint: { 'fill-opacity': 0.55 } });
        map.addLayer({
          id: 'areas-line',
          type: 'line',
          source: 'areas',
          paint: { 'line-color': '#475569', 'line-width': 1 },
        });
        map.addLayer({
          id: 'grid',
          type: 'circle',
          source: 'grid',
          paint: {
            'circle-color': '#b91c1c',
            'circle-opacity': 0.75,
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1,
          },
        });
        map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
        resolve();
      });
    });
  }

  private snapshot(): void {
    try {
      this.printImage.src = this.map!.getCanvas().toDataURL('image/png');
    } catch (error) {
      console.warn('map snapshot failed', error);
    }
  }
}

function extent(areas: AreaCollection): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = c as [number, number];
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of areas.features) visit(f.geometry.coordinates);
  return b;
}
