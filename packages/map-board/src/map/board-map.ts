/**
 * The map of the board: MapLibre with the board's sources and layers. It draws what the state
 * holds, by data updates only: a snapshot is one `setData`, every later change a diff through
 * `GeoJSONSource.updateData` (added, changed and removed features by id), handed over at most
 * once per animation frame by the board.
 */
import {
  type GeoJSONSource,
  LngLatBounds,
  type MapGeoJSONFeature,
  Map as MapLibreMap,
  Popup,
  type StyleSpecification,
  setWorkerUrl,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import fontRegular from '@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff2?url';
import fontBold from '@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff2?url';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Basemap } from '../config.js';
import { h } from '../controls/dom.js';
import {
  AREA_LABEL_SOURCE,
  AREA_SOURCE,
  areaLabelLayers,
  areaLayers,
  BOUNDARY_SOURCE,
} from '../layers/areas.js';
import { ASSIGNMENT_SOURCE, assignmentLayers } from '../layers/assignments.js';
import { baseStyle } from '../layers/base.js';
import {
  CLUSTER_LAYER,
  CLUSTER_MAX_ZOOM,
  INCIDENT_LAYER,
  INCIDENT_SOURCE,
  incidentLayers,
  incidentSource,
  PULSE_LAYER,
  PULSE_SOURCE,
  pulsePaint,
  pulseSource,
} from '../layers/incidents.js';
import { UNIT_SOURCE, unitLayers } from '../layers/units.js';
import type { AreaCollection } from '../sources/api.js';
import { FeatureSync } from '../sources/feature-sync.js';
import {
  areaLabelPoints,
  assignmentLines,
  type BBox,
  boardBounds,
  incidentFeature,
  unitFeature,
} from '../sources/features.js';
import type { BoardState, Dirty, Incident } from '../state/model.js';
import type { RowModel } from '../state/rows.js';
import { basemapInput } from './basemap.js';
import { addBoardImage } from './icons.js';

// The bundler copies the worker next to the board's own files; MapLibre would otherwise look
// for it beside its own module, which no longer exists once bundled.
setWorkerUrl(workerUrl);

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
/** How long a new incident pulses. */
const PULSE_MS = 60_000;
/** Least time between two updates of the incidents' (or units') source; see FeatureSync. */
const SOURCE_INTERVAL_MS = 250;
/** One beat of the pulse. */
const BEAT_MS = 1_600;

export interface BoardMapOptions {
  container: HTMLElement;
  basemap: Basemap | null;
  /** A feature was clicked on the map. */
  onIncidentClick?(id: string): void;
}

export class BoardMap {
  readonly map: MapLibreMap;
  /** Resolves once the style, the sources and the layers are there. */
  readonly ready: Promise<void>;
  private state: BoardState | null = null;
  private incidents: FeatureSync | null = null;
  private units: FeatureSync | null = null;
  private readonly lastSet = new Map<string, string>();
  /** Pulsing incidents: id → until (performance.now() time). */
  private readonly pulses = new Map<string, number>();
  private pulseFrame = 0;
  private popup: Popup | null = null;

  private constructor(map: MapLibreMap, options: BoardMapOptions) {
    this.map = map;
    // A resolver, not the `styleimagemissing` event: images added from the event arrive too
    // late for the request that missed them (MapLibre 6), and the icon would stay blank.
    map.setMissingStyleImageResolver((id) => {
      addBoardImage(map, id);
    });
    this.ready = new Promise((resolve) => {
      const setup = () => {
        this.addBoardLayers();
        resolve();
      };
      if (map.isStyleLoaded()) setup();
      else map.once('load', setup);
    });
    map.on('click', INCIDENT_LAYER, (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') options.onIncidentClick?.(id);
    });
    map.on('click', CLUSTER_LAYER, (e) => void this.zoomIntoCluster(e.features?.[0]));
    for (const layer of [INCIDENT_LAYER, CLUSTER_LAYER]) {
      map.on('mouseenter', layer, () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = '';
      });
    }
  }

  /**
   * @example
   * const boardMap = await BoardMap.create({ container, basemap: config.basemap });
   */
  static async create(options: BoardMapOptions): Promise<BoardMap> {
    let style: StyleSpecification;
    try {
      style = baseStyle({
        fonts: { regular: fontRegular, bold: fontBold },
        ...(await basemapInput(options.basemap)),
      });
    } catch (error) {
      // A basemap that cannot be read must not cost the board: draw without it.
      console.warn('basemap unavailable, drawing without it', error);
      style = baseStyle({ fonts: { regular: fontRegular, bold: fontBold } });
    }
    const map = new MapLibreMap({
      container: options.container,
      style,
      center: [112.72, -7.45],
      zoom: 10,
      attributionControl: options.basemap ? { compact: true } : false,
      // A wall-board is looked at, not turned: no rotation or tilt by accident.
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxPitch: 0,
      fadeDuration: 150,
    });
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    return new BoardMap(map, options);
  }

  private addBoardLayers(): void {
    const map = this.map;
    map.addSource(AREA_SOURCE, { type: 'geojson', data: EMPTY });
    map.addSource(BOUNDARY_SOURCE, { type: 'geojson', data: EMPTY });
    map.addSource(AREA_LABEL_SOURCE, { type: 'geojson', data: EMPTY });
    map.addSource(ASSIGNMENT_SOURCE, { type: 'geojson', data: EMPTY });
    map.addSource(UNIT_SOURCE, { type: 'geojson', data: EMPTY, promoteId: 'id' });
    map.addSource(INCIDENT_SOURCE, incidentSource());
    map.addSource(PULSE_SOURCE, pulseSource());
    for (const layer of [
      ...areaLayers(),
      ...areaLabelLayers(),
      ...assignmentLayers(),
      ...unitLayers(),
      ...incidentLayers(),
    ]) {
      map.addLayer(layer);
    }
  }

  private source(id: string): GeoJSONSource {
    return this.map.getSource(id) as GeoJSONSource;
  }

  /** Kecamatan outlines with their names, and the regency's boundary. */
  setAreas(kabupaten: AreaCollection | null, kecamatan: AreaCollection | null): void {
    if (kecamatan) {
      this.source(AREA_SOURCE).setData(kecamatan as GeoJSON.FeatureCollection);
      this.source(AREA_LABEL_SOURCE).setData(areaLabelPoints(kecamatan));
    }
    if (kabupaten) this.source(BOUNDARY_SOURCE).setData(kabupaten as GeoJSON.FeatureCollection);
  }

  /** Shows the tenant's extent (or, before it is known, what is on the board). */
  fitBoard(tenantBbox: readonly number[] | null, areas: AreaCollection | null, state: BoardState): void {
    const points = [...state.incidents.values()].map(incidentFeature).filter((f) => f !== null);
    const bounds = boardBounds(tenantBbox, areas as GeoJSON.FeatureCollection | null, points);
    if (bounds) this.fit(bounds);
  }

  fit([w, s, e, n]: BBox): void {
    this.map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 32, animate: false },
    );
  }

  /**
   * Brings incidents, units and assignment lines up to date with what changed: incidents and
   * units by diffs (see FeatureSync), the few assignment lines and pulses whole, and only when
   * they changed.
   */
  sync(state: BoardState, dirty: Dirty): void {
    this.state = state;
    this.incidents ??= new FeatureSync(this.source(INCIDENT_SOURCE), {
      feature: (id) => {
        const incident = this.state?.incidents.get(id);
        return incident ? incidentFeature(incident) : null;
      },
      ids: () => this.state?.incidents.keys() ?? [],
      minIntervalMs: SOURCE_INTERVAL_MS,
    });
    this.units ??= new FeatureSync(this.source(UNIT_SOURCE), {
      feature: (id) => {
        const unit = this.state?.units.get(id);
        return unit ? unitFeature(unit) : null;
      },
      ids: () => this.state?.units.keys() ?? [],
      minIntervalMs: SOURCE_INTERVAL_MS,
    });
    this.incidents.mark(dirty.reset, dirty.incidents);
    this.units.mark(dirty.reset, dirty.units);
    if (dirty.reset || dirty.incidents.size > 0 || dirty.units.size > 0) {
      this.setIfChanged(ASSIGNMENT_SOURCE, assignmentLines(state.incidents.values(), state.units));
      this.syncPulses();
    }
  }

  /** `setData` only when the collection differs from the one last set (lines, pulses: few features). */
  private setIfChanged(id: string, data: GeoJSON.FeatureCollection): void {
    const key = JSON.stringify(data.features.map((f) => [f.id, f.geometry, f.properties]));
    if (this.lastSet.get(id) === key) return;
    this.lastSet.set(id, key);
    void this.source(id).setData(data);
  }

  /** Updates handed to the incident and unit sources so far. */
  get sourceUpdates(): number {
    return (this.incidents?.sent ?? 0) + (this.units?.sent ?? 0);
  }

  /** Whether every change marked has reached the map's sources. */
  get settled(): boolean {
    return (this.incidents?.settled ?? true) && (this.units?.settled ?? true);
  }

  /** Starts (or restarts) the pulse of a new incident. */
  pulse(incident: Incident): void {
    this.pulses.set(incident.id, performance.now() + PULSE_MS);
    this.syncPulses();
  }

  /** Redraws pulse positions from the state and runs the beat while any pulse lasts. */
  private syncPulses(): void {
    const state = this.state;
    if (!state) return;
    const now = performance.now();
    for (const [id, until] of this.pulses) {
      if (until < now || !state.incidents.has(id)) this.pulses.delete(id);
    }
    const features = [...this.pulses.keys()]
      .map((id) => incidentFeature(state.incidents.get(id)!))
      .filter((f) => f !== null);
    this.setIfChanged(PULSE_SOURCE, { type: 'FeatureCollection', features });
    if (features.length > 0 && !this.pulseFrame) this.pulseFrame = requestAnimationFrame(this.beat);
  }

  private readonly beat = (time: number) => {
    this.pulseFrame = 0;
    const phase = (time % BEAT_MS) / BEAT_MS;
    const { radius, opacity } = pulsePaint(phase);
    this.map.setPaintProperty(PULSE_LAYER, 'circle-radius', radius);
    this.map.setPaintProperty(PULSE_LAYER, 'circle-stroke-opacity', opacity);
    const now = performance.now();
    let expired = false;
    for (const until of this.pulses.values()) if (until < now) expired = true;
    if (expired) this.syncPulses();
    if (this.pulses.size > 0) this.pulseFrame = requestAnimationFrame(this.beat);
    else this.map.setPaintProperty(PULSE_LAYER, 'circle-stroke-opacity', 0);
  };

  /** Flies to an incident (panel Enter or click), close enough to see it unclustered. */
  flyTo(incident: Incident): void {
    const p = incident.location.point;
    if (!p) return;
    this.map.flyTo({
      center: [p.lon, p.lat],
      zoom: Math.max(this.map.getZoom(), CLUSTER_MAX_ZOOM + 1.5),
      speed: 1.6,
      essential: true,
    });
  }

  /**
   * Makes sure an incident is in view (a new P1, kiosk behaviour): if it is off screen the map
   * widens to show it with what was in view; if it is in a cluster, nothing moves (the pulse
   * shows where).
   */
  bringIntoView(incident: Incident): void {
    const p = incident.location.point;
    if (!p) return;
    const view = this.map.getBounds();
    if (view.contains([p.lon, p.lat])) return;
    const bounds = new LngLatBounds(view.getSouthWest(), view.getNorthEast()).extend([p.lon, p.lat]);
    this.map.fitBounds(bounds, {
      padding: 60,
      maxZoom: this.map.getZoom(),
      duration: 1_500,
      essential: true,
    });
  }

  /** A small card over the incident, built with text nodes only. */
  showPopup(incident: Incident, row: RowModel): void {
    const p = incident.location.point;
    this.popup?.remove();
    if (!p) return;
    const card = h(
      'div',
      { class: 'popup', attrs: { 'data-testid': 'popup' } },
      h(
        'div',
        { class: 'popup__head' },
        h('span', { class: 'popup__priority' }, row.priority),
        ' ',
        row.number,
      ),
      h('div', { class: 'popup__title' }, row.category),
      h('div', { class: 'popup__meta' }, `${row.area} · ${row.agencies} · ${row.status}`),
      h('p', { class: 'popup__desc' }, row.description),
    );
    card.dataset.priority = row.priority;
    this.popup = new Popup({ closeButton: false, maxWidth: '420px', className: 'board-popup', offset: 26 })
      .setLngLat([p.lon, p.lat])
      .setDOMContent(card)
      .addTo(this.map);
  }

  hidePopup(): void {
    this.popup?.remove();
    this.popup = null;
  }

  private async zoomIntoCluster(feature: MapGeoJSONFeature | undefined): Promise<void> {
    const clusterId = feature?.properties?.cluster_id;
    if (typeof clusterId !== 'number' || feature?.geometry.type !== 'Point') return;
    const zoom = await this.source(INCIDENT_SOURCE).getClusterExpansionZoom(clusterId);
    this.map.easeTo({ center: feature.geometry.coordinates as [number, number], zoom });
  }
}
