/**
 * The wall-board: wires the live feed into the state, and the state into the map and the
 * controls. Messages are applied to the state as they come; drawing happens at most once per
 * animation frame, with whatever changed since the last frame (a burst of 500 events costs one
 * map update, not 500).
 */
import type { LiveEvent, LiveSnapshot, SigapClient } from '@sigap/sdk';
import type { BoardConfig } from './config.js';
import { STORAGE } from './config.js';
import { h } from './controls/dom.js';
import { Header } from './controls/header.js';
import { ConnectionIndicator } from './controls/indicator.js';
import { IncidentPanel } from './controls/panel.js';
import { Beeper } from './controls/sound.js';
import type { BoardHandle, BoardStats } from './handle.js';
import { I18n } from './i18n/index.js';
import { INCIDENT_LAYER } from './layers/incidents.js';
import { BoardMap } from './map/board-map.js';
import {
  type AreaCollection,
  BoardApi,
  type CategoryLabel,
  type TenantProfile,
  untilLoaded,
} from './sources/api.js';
import { areaNames } from './sources/features.js';
import { LiveFeed } from './sources/live.js';
import { type CallFigures, todayFigures } from './state/figures.js';
import { createState, type Dirty, type Incident } from './state/model.js';
import {
  applyMessage,
  applySnapshot,
  type Effect,
  forgetResolvedBefore,
  isDirty,
  seedResolved,
  takeDirty,
} from './state/reducer.js';
import { type Lookups, rowModel } from './state/rows.js';
import { sortIncidents } from './state/sort.js';
import { addDays, todayRange } from './state/time.js';

/** The panel re-sorts at most this often (10,000 incidents: a sort is a few milliseconds). */
const PANEL_INTERVAL_MS = 250;
/** Today's call figures are re-read this often, and shortly after calls are logged. */
const CALLS_REFRESH_MS = 60_000;
const CALLS_AFTER_EVENT_MS = 3_000;

export interface BoardOptions {
  config: BoardConfig;
  client: SigapClient;
  root: HTMLElement;
  /** Where preferences are remembered (language, sound). */
  storage?: Pick<Storage, 'setItem'>;
}

export class Board {
  readonly state = createState();
  readonly i18n: I18n;
  private readonly api: BoardApi;
  private readonly indicator: ConnectionIndicator;
  private readonly header: Header;
  private readonly panel: IncidentPanel;
  private readonly beeper: Beeper;
  private boardMap!: BoardMap;
  private feed: LiveFeed | null = null;
  private tenant: TenantProfile | null = null;
  private readonly categories = new Map<string, CategoryLabel>();
  private names = new Map<string, string>();
  private calls: CallFigures | null = null;
  private effects: Effect[] = [];
  private frame = 0;
  private panelTimer: ReturnType<typeof setTimeout> | undefined;
  private panelAt = 0;
  private callsTimer: ReturnType<typeof setTimeout> | undefined;
  private fitted = false;
  private readonly lookups: Lookups;
  /** What the board's own code costs (see BoardStats). */
  private readonly stats: BoardStats = {
    messages: 0,
    applyMs: 0,
    flushes: 0,
    flushMs: 0,
    panelUpdates: 0,
    panelMs: 0,
  };

  private constructor(private readonly options: BoardOptions) {
    const { config } = options;
    this.i18n = new I18n(config.lang);
    this.api = new BoardApi(options.client);
    this.beeper = new Beeper(config.sound);
    this.indicator = new ConnectionIndicator(this.i18n);
    this.header = new Header(this.i18n, this.indicator, {
      onToggleSound: () => this.toggleSound(),
      onToggleLanguage: () => this.toggleLanguage(),
    });
    this.header.setSound(config.sound);
    const board = this;
    this.lookups = {
      categoryLabel: (code) => {
        const c = board.categories.get(code);
        return c ? (board.i18n.lang === 'id' ? c.labelId : c.labelEn) : code;
      },
      areaName: (code) => board.names.get(code),
      get targets() {
        return board.tenant?.targets ?? null;
      },
    };
    this.panel = new IncidentPanel(this.i18n, () => this.lookups, { onSelect: (i) => this.select(i) });
    this.i18n.onChange((lang) => {
      document.documentElement.lang = lang;
      document.title = this.i18n.t('app.title');
    });
  }

  /**
   * Builds the page inside `root`, then connects: the map first (the live feed draws into it),
   * then the live feed, while the tenant's profile, categories and areas load beside it.
   *
   * @example
   * await Board.start({ config, client: createClient({ baseUrl: location.origin, apiKey }), root });
   */
  static async start(options: BoardOptions): Promise<Board> {
    const board = new Board(options);
    await board.mount();
    return board;
  }

  private async mount(): Promise<void> {
    const { root, config } = this.options;
    document.documentElement.lang = this.i18n.lang;
    document.title = this.i18n.t('app.title');
    const mapEl = h('div', { class: 'map', attrs: { 'data-testid': 'map' } });
    root.replaceChildren(this.header.el, h('main', { class: 'main' }, mapEl, this.panel.el));
    this.boardMap = await BoardMap.create({
      container: mapEl,
      basemap: config.basemap,
      onIncidentClick: (id) => {
        const incident = this.state.incidents.get(id);
        if (!incident) return;
        this.panel.highlight(id);
        this.select(incident);
      },
    });
    await this.boardMap.ready;
    this.expose();
    this.feed = new LiveFeed(this.options.client, {
      onSnapshot: (s) => this.onSnapshot(s),
      onMessage: (m) => this.onMessage(m),
      onConnection: (c) => this.indicator.set(c),
      position: () => this.state.seq,
    });
    this.feed.start();
    void this.loadTenant();
    setInterval(() => this.tick(), 1_000);
    setInterval(() => forgetResolvedBefore(this.state, Date.now() - 2 * 86_400_000), 3_600_000);
    this.tick();
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  // --- Live data -------------------------------------------------------------------------

  private onSnapshot(snapshot: LiveSnapshot): void {
    applySnapshot(this.state, snapshot);
    this.schedule();
  }

  private onMessage(message: LiveEvent): void {
    const t0 = performance.now();
    this.effects.push(...applyMessage(this.state, message));
    this.schedule();
    this.stats.messages++;
    this.stats.applyMs += performance.now() - t0;
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Once per frame: apply what changed to the map, then the panel and figures (throttled). */
  private flush(): void {
    this.frame = 0;
    const dirty = takeDirty(this.state);
    const effects = this.effects;
    this.effects = [];
    if (!isDirty(dirty) && effects.length === 0) return;
    const t0 = performance.now();
    this.draw(dirty, effects);
    this.stats.flushes++;
    this.stats.flushMs += performance.now() - t0;
  }

  private draw(dirty: Dirty, effects: Effect[]): void {
    const map = this.boardMap;
    map.sync(this.state, dirty);
    for (const effect of effects) this.announce(effect);
    if (dirty.reset && !this.fitted && !this.tenant) this.boardMap.fitBoard(null, null, this.state);
    if (dirty.calls) this.refreshCallsSoon();
    this.indicator.setLastEvent(this.state.lastEventAt);
    if (dirty.reset || dirty.incidents.size > 0) this.updatePanelSoon();
  }

  private announce(effect: Effect): void {
    const incident = this.state.incidents.get(effect.incident.id);
    if (!incident) return;
    if (effect.kind === 'new') this.boardMap.pulse(incident);
    if (incident.priority !== 'P1') return;
    if (effect.kind === 'escalated') this.boardMap.pulse(incident);
    this.beeper.beep();
    if (this.options.config.follow) this.boardMap.bringIntoView(incident);
  }

  private updatePanelSoon(): void {
    const wait = this.panelAt + PANEL_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.updatePanel();
      return;
    }
    this.panelTimer ??= setTimeout(() => {
      this.panelTimer = undefined;
      this.updatePanel();
    }, wait);
  }

  private updatePanel(): void {
    const t0 = performance.now();
    this.panelAt = Date.now();
    this.panel.update(sortIncidents(this.state.incidents.values()), Date.now());
    this.updateFigures();
    this.stats.panelUpdates++;
    this.stats.panelMs += performance.now() - t0;
  }

  private updateFigures(): void {
    const now = Date.now();
    this.header.setFigures(
      todayFigures(this.state, {
        now,
        timeZone: this.i18n.timeZone,
        targets: this.tenant?.targets ?? null,
        calls: this.calls,
      }),
    );
  }

  /** Every second: clock, countdowns, figures (an incident may have just become overdue). */
  private tick(): void {
    const now = Date.now();
    this.header.tick(now);
    this.panel.tick(now);
    this.updateFigures();
  }

  // --- API data ----------------------------------------------------------------------------

  private async loadTenant(): Promise<void> {
    const giveUp = (error: unknown) => [401, 403].includes((error as { status?: number }).status ?? 0);
    const warn = (what: string) => (error: unknown) => console.warn(`board: ${what} failed, retrying`, error);
    const tenant = untilLoaded(() => this.api.tenant(), warn('tenant'), { giveUp }).then((t) => {
      this.tenant = t;
      this.i18n.timeZone = t.timeZone;
      this.header.setTenant(t.name);
      if (t.bbox) this.fitOnce(t.bbox, null);
      void this.refreshCalls();
      void this.seedResolved();
    });
    const categories = untilLoaded(() => this.api.categories(), warn('categories'), { giveUp }).then(
      (list) => {
        for (const c of list) this.categories.set(c.code, c);
        this.panel.refresh();
      },
    );
    const areas = Promise.all([
      untilLoaded(() => this.api.areas('kabupaten'), warn('areas'), { giveUp }),
      untilLoaded(() => this.api.areas('kecamatan'), warn('areas'), { giveUp }),
    ]).then(([kabupaten, kecamatan]) => {
      this.names = areaNames(kecamatan);
      this.boardMap.setAreas(kabupaten, kecamatan);
      this.fitOnce(null, kecamatan);
      this.panel.refresh();
    });
    await Promise.allSettled([tenant, categories, areas]);
    setInterval(() => void this.refreshCalls(), CALLS_REFRESH_MS);
  }

  private fitOnce(bbox: readonly number[] | null, areas: AreaCollection | null): void {
    if (this.fitted) return;
    this.fitted = true;
    this.boardMap.fitBoard(bbox, areas, this.state);
  }

  private refreshCallsSoon(): void {
    clearTimeout(this.callsTimer);
    this.callsTimer = setTimeout(() => void this.refreshCalls(), CALLS_AFTER_EVENT_MS);
  }

  private async refreshCalls(): Promise<void> {
    if (!this.tenant) return;
    try {
      this.calls = await this.api.callFigures(todayRange(Date.now(), this.tenant.timeZone));
      this.updateFigures();
    } catch (error) {
      console.warn('board: today’s call figures unavailable', error);
    }
  }

  /** Incidents resolved earlier today (created in the last week), for the "resolved" figure. */
  private async seedResolved(): Promise<void> {
    if (!this.tenant) return;
    const { from } = todayRange(Date.now(), this.tenant.timeZone);
    try {
      const since = new Date(`${addDays(from, -7)}T00:00:00Z`).toISOString();
      seedResolved(this.state, await this.api.resolvedSince(since));
      this.updateFigures();
    } catch (error) {
      console.warn('board: could not read today’s resolved incidents', error);
    }
  }

  // --- Interaction -------------------------------------------------------------------------

  private select(incident: Incident): void {
    this.boardMap.flyTo(incident);
    this.boardMap.showPopup(incident, rowModel(incident, this.i18n, this.lookups));
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      this.boardMap.hidePopup();
      return;
    }
    const target = event.target as HTMLElement | null;
    if (target && target !== document.body && target.closest('button, input, select, textarea, .panel__list'))
      return;
    if (['ArrowDown', 'ArrowUp', 'Enter', 'PageDown', 'PageUp', 'Home', 'End'].includes(event.key)) {
      this.panel.focus();
      if (event.key === 'ArrowDown') this.panel.move(1);
      else if (event.key === 'ArrowUp') this.panel.move(-1);
      else if (event.key === 'Enter') this.panel.choose();
      event.preventDefault();
    }
  }

  private toggleSound(): void {
    const on = this.beeper.toggle();
    this.header.setSound(on);
    this.options.storage?.setItem(STORAGE.sound, on ? '1' : '0');
  }

  private toggleLanguage(): void {
    const lang = this.i18n.lang === 'id' ? 'en' : 'id';
    this.i18n.set(lang);
    this.options.storage?.setItem(STORAGE.lang, lang);
  }

  private expose(): void {
    const map = this.boardMap.map;
    const handle: BoardHandle = {
      map,
      state: this.state,
      queryRenderedFeatures: map.queryRenderedFeatures.bind(map),
      renderedIncidents: () =>
        map.queryRenderedFeatures({ layers: [INCIDENT_LAYER] }).map((f) => ({ ...f.properties })),
      connection: () => this.indicator.status,
      stats: () => ({ ...this.stats, sourceUpdates: this.boardMap.sourceUpdates }),
      // Neither the 'idle' event nor `loaded()`: a pulsing incident repaints every frame (its
      // paint changes), so the map is never idle while one pulses. Style and tiles loaded and
      // the camera still is what tests need.
      idle: () =>
        new Promise((resolve) => {
          const check = () => {
            if (this.boardMap.settled && map.isStyleLoaded() && map.areTilesLoaded() && !map.isMoving())
              resolve();
            else setTimeout(check, 50);
          };
          check();
        }),
    };
    window.sigapBoard = handle;
  }
}
