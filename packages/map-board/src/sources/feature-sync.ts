/**
 * Keeps one GeoJSON source of the map in step with the state by data updates only: a reset is
 * one `setData`, later changes are diffs (`updateData`: added, changed and removed features by
 * id). One update is in flight at a time; changes that arrive meanwhile are merged and sent
 * when it has landed. Under a burst (hundreds of events a second on 10,000 incidents) the map
 * then re-clusters as often as its worker can, not once per frame on a queue that only grows.
 */
import type { GeoJSONSourceDiff } from 'maplibre-gl';

/** The part of MapLibre's `GeoJSONSource` used here (tests pass a fake). */
export interface UpdatableSource {
  setData(data: GeoJSON.FeatureCollection): Promise<unknown> | unknown;
  updateData(diff: GeoJSONSourceDiff): Promise<unknown> | unknown;
}

export interface FeatureSyncOptions<F extends GeoJSON.Feature> {
  /** The feature for an id now, `null` when it is not (or no longer) drawn. */
  feature(id: string): F | null;
  /** Every id to draw after a reset. */
  ids(): Iterable<string>;
  /**
   * Least time between two updates (default 0). Each update makes MapLibre re-cluster and
   * re-upload the source's tiles: a few per second is what a person can follow anyway, and a
   * single change after a quiet moment still goes at once.
   */
  minIntervalMs?: number;
  /** Injectable for tests. */
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
}

/**
 * @example
 * const sync = new FeatureSync(map.getSource('incidents'), {
 *   feature: (id) => { const i = state.incidents.get(id); return i ? incidentFeature(i) : null; },
 *   ids: () => state.incidents.keys(),
 * });
 * sync.mark(dirty.reset, dirty.incidents);
 */
export class FeatureSync<F extends GeoJSON.Feature = GeoJSON.Feature> {
  private readonly drawn = new Set<string>();
  private readonly pending = new Set<string>();
  private reset = false;
  private busy = false;
  private lastSentAt = -Infinity;
  private waiting = false;
  /** Updates sent (for tests and the curious). */
  sent = 0;

  constructor(
    private readonly source: UpdatableSource,
    private readonly options: FeatureSyncOptions<F>,
  ) {}

  /** Notes what changed and sends it, now or when the update in flight lands. */
  mark(reset: boolean, ids: Iterable<string>): void {
    if (reset) {
      this.reset = true;
      this.pending.clear();
    } else if (!this.reset) {
      for (const id of ids) this.pending.add(id);
    }
    this.pump();
  }

  /** Whether everything marked has been sent and has landed. */
  get settled(): boolean {
    return !this.busy && !this.waiting && !this.reset && this.pending.size === 0;
  }

  private pump(): void {
    if (this.busy || this.waiting) return;
    if (!this.reset && this.pending.size === 0) return;
    const now = this.options.now ?? Date.now;
    const wait = this.lastSentAt + (this.options.minIntervalMs ?? 0) - now();
    if (wait > 0) {
      this.waiting = true;
      (this.options.setTimeout ?? setTimeout)(() => {
        this.waiting = false;
        this.pump();
      }, wait);
      return;
    }
    let update: Promise<unknown> | unknown;
    if (this.reset) {
      this.reset = false;
      this.drawn.clear();
      const features: F[] = [];
      for (const id of this.options.ids()) {
        const f = this.options.feature(id);
        if (!f) continue;
        features.push(f);
        this.drawn.add(id);
      }
      update = this.source.setData({ type: 'FeatureCollection', features });
    } else if (this.pending.size > 0) {
      const diff: Required<Pick<GeoJSONSourceDiff, 'add' | 'update' | 'remove'>> = {
        add: [],
        update: [],
        remove: [],
      };
      for (const id of this.pending) {
        const f = this.options.feature(id);
        if (f && this.drawn.has(id)) {
          diff.update.push({
            id,
            newGeometry: f.geometry,
            addOrUpdateProperties: Object.entries(f.properties ?? {}).map(([key, value]) => ({ key, value })),
          });
        } else if (f) {
          diff.add.push(f);
          this.drawn.add(id);
        } else if (this.drawn.delete(id)) {
          diff.remove.push(id);
        }
      }
      this.pending.clear();
      if (diff.add.length + diff.update.length + diff.remove.length === 0) return;
      update = this.source.updateData(diff);
    } else {
      return;
    }
    this.sent++;
    this.lastSentAt = now();
    this.busy = true;
    Promise.resolve(update)
      .catch((error: unknown) => console.warn('map source update failed', error))
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }
}
