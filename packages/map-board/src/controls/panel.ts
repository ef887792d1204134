/**
 * The side panel: open incidents in priority-then-age order, each with its number, category,
 * kecamatan, assigned agencies, status, description and a live countdown to its next response
 * target (red once breached). Click a row, or use ↑/↓ and Enter, to fly to the incident.
 *
 * Rows are kept by incident id and reused; only the first `maxRows` are in the DOM (a
 * 1080-pixel screen shows a dozen; the rest are counted), so 10,000 incidents cost a sort, not
 * 10,000 list items.
 */
import type { I18n } from '../i18n/index.js';
import type { Incident } from '../state/model.js';
import { clockModel, type Lookups, rowModel } from '../state/rows.js';
import { h, setText, toggleClass } from './dom.js';

interface Row {
  el: HTMLLIElement;
  incident: Incident | null;
  priority: HTMLElement;
  number: HTMLElement;
  category: HTMLElement;
  area: HTMLElement;
  agencies: HTMLElement;
  status: HTMLElement;
  description: HTMLElement;
  remaining: HTMLElement;
  target: HTMLElement;
}

export interface PanelOptions {
  maxRows?: number;
  /** An incident was chosen (click or Enter). */
  onSelect(incident: Incident): void;
}

/**
 * @example
 * const panel = new IncidentPanel(i18n, () => lookups, { onSelect: (i) => map.flyTo(...) });
 * panel.update(sortIncidents(state.incidents.values()), Date.now());
 * setInterval(() => panel.tick(Date.now()), 1000);
 */
export class IncidentPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly title: HTMLElement;
  private readonly count: HTMLElement;
  private readonly more: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly rows = new Map<string, Row>();
  private shown: Incident[] = [];
  private total = 0;
  private selectedId: string | null = null;
  private readonly maxRows: number;

  constructor(
    private readonly i18n: I18n,
    private readonly lookups: () => Lookups,
    private readonly options: PanelOptions,
  ) {
    this.maxRows = options.maxRows ?? 50;
    this.title = h('h2', { class: 'panel__title', attrs: { id: 'panel-title' } });
    this.count = h('span', { class: 'panel__count', attrs: { 'data-testid': 'panel-count' } }, '0');
    this.list = h('ol', {
      class: 'panel__list',
      attrs: { role: 'listbox', tabindex: '0', 'aria-labelledby': 'panel-title', 'data-testid': 'panel' },
      on: { keydown: (e) => this.onKey(e) },
    });
    this.empty = h('p', { class: 'panel__empty' });
    this.more = h('p', { class: 'panel__more' });
    this.hint = h('p', { class: 'panel__hint' });
    this.el = h(
      'aside',
      { class: 'panel' },
      h('div', { class: 'panel__head' }, this.title, this.count),
      this.list,
      this.empty,
      this.more,
      this.hint,
    );
    i18n.onChange(() => this.refresh());
    this.refresh();
  }

  /** Shows `sorted` (already in panel order). */
  update(sorted: Incident[], now: number): void {
    this.total = sorted.length;
    this.shown = sorted.slice(0, this.maxRows);
    const keep = new Set(this.shown.map((i) => i.id));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    let cursor: ChildNode | null = this.list.firstChild;
    for (const incident of this.shown) {
      let row = this.rows.get(incident.id);
      if (!row) {
        row = this.createRow(incident.id);
        this.rows.set(incident.id, row);
      }
      if (row.incident !== incident) this.fill(row, incident);
      this.clock(row, now);
      // Move a row only when it is out of place, so unchanged rows are not touched.
      if (row.el !== cursor) this.list.insertBefore(row.el, cursor);
      else cursor = cursor.nextSibling;
    }
    if (this.selectedId && !keep.has(this.selectedId)) this.selectedId = this.shown[0]?.id ?? null;
    this.markSelected();
    this.renderCounts();
  }

  /** Refreshes the countdowns (every second). */
  tick(now: number): void {
    for (const row of this.rows.values()) this.clock(row, now);
  }

  /** Moves the selection by `delta` rows (↑/↓). */
  move(delta: number): void {
    if (this.shown.length === 0) return;
    const at = this.shown.findIndex((i) => i.id === this.selectedId);
    const next = at < 0 ? 0 : Math.min(this.shown.length - 1, Math.max(0, at + delta));
    this.selectedId = this.shown[next]!.id;
    this.markSelected();
    this.rows.get(this.selectedId)?.el.scrollIntoView({ block: 'nearest' });
  }

  /** Marks a row selected without choosing it (an incident clicked on the map). */
  highlight(id: string): void {
    if (!this.rows.has(id)) return;
    this.selectedId = id;
    this.markSelected();
    this.rows.get(id)?.el.scrollIntoView({ block: 'nearest' });
  }

  /** Chooses the selected row, as Enter does. */
  choose(): void {
    const incident = this.shown.find((i) => i.id === this.selectedId);
    if (incident) this.options.onSelect(incident);
  }

  get selected(): string | null {
    return this.selectedId;
  }

  focus(): void {
    this.list.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 5, PageUp: -5 };
    if (event.key in moves) this.move(moves[event.key]!);
    else if (event.key === 'Home') this.move(-Infinity);
    else if (event.key === 'End') this.move(Infinity);
    else if (event.key === 'Enter' || event.key === ' ') this.choose();
    else return;
    event.preventDefault();
  }

  private createRow(id: string): Row {
    const priority = h('span', { class: 'row__priority' });
    const number = h('span', { class: 'row__number' });
    const category = h('span', { class: 'row__category' });
    const area = h('span', { class: 'row__area' });
    const agencies = h('span', { class: 'row__agency' });
    const status = h('span', { class: 'row__status' });
    const description = h('div', { class: 'row__desc' });
    const remaining = h('span', { class: 'row__remaining' });
    const target = h('span', { class: 'row__target' });
    const el = h(
      'li',
      {
        class: 'row',
        attrs: { role: 'option', id: `row-${id}`, 'data-id': id, 'aria-selected': 'false' },
        on: {
          click: () => {
            this.selectedId = id;
            this.markSelected();
            this.choose();
          },
        },
      },
      priority,
      h(
        'div',
        { class: 'row__main' },
        h('div', { class: 'row__line' }, number, category),
        h('div', { class: 'row__line row__line--meta' }, area, agencies, status),
        description,
      ),
      h('div', { class: 'row__clock' }, remaining, target),
    );
    return {
      el,
      incident: null,
      priority,
      number,
      category,
      area,
      agencies,
      status,
      description,
      remaining,
      target,
    };
  }

  private fill(row: Row, incident: Incident): void {
    const m = rowModel(incident, this.i18n, this.lookups());
    row.incident = incident;
    row.el.dataset.priority = m.priority;
    row.el.dataset.status = incident.status;
    setText(row.priority, m.priority);
    setText(row.number, m.number);
    setText(row.category, m.category);
    setText(row.area, m.area);
    setText(row.agencies, m.agencies);
    setText(row.status, m.status);
    setText(row.description, m.description);
  }

  private clock(row: Row, now: number): void {
    if (!row.incident) return;
    const c = clockModel(row.incident, now, this.i18n, this.lookups().targets);
    setText(row.remaining, c.text);
    setText(row.target, c.target);
    toggleClass(row.el, 'row--breached', c.breached);
  }

  private markSelected(): void {
    for (const [id, row] of this.rows) {
      const on = id === this.selectedId;
      row.el.setAttribute('aria-selected', String(on));
      toggleClass(row.el, 'row--selected', on);
    }
    if (this.selectedId) this.list.setAttribute('aria-activedescendant', `row-${this.selectedId}`);
    else this.list.removeAttribute('aria-activedescendant');
  }

  private renderCounts(): void {
    const hidden = this.total - this.shown.length;
    setText(this.count, new Intl.NumberFormat(this.i18n.locale).format(this.total));
    setText(this.more, hidden > 0 ? this.i18n.t('panel.more', { n: hidden }) : '');
    this.empty.hidden = this.total > 0;
  }

  /** Rewrites every label (the language changed, or categories and area names arrived). */
  refresh(): void {
    const { t } = this.i18n;
    setText(this.title, t('panel.title'));
    setText(this.empty, t('panel.empty'));
    setText(this.hint, t('panel.hint'));
    // Labels (category, status, kecamatan) depend on the language and on look-ups: refill.
    for (const row of this.rows.values()) {
      const incident = row.incident;
      if (incident) this.fill(row, incident);
    }
    this.tick(Date.now());
    this.renderCounts();
  }
}
