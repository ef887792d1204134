/**
 * The header: the tenant's name and clock, today's figures, the connection indicator, and the
 * two switches (P1 sound, language). Large type: it is read from across the room.
 */
import type { I18n, MessageKey } from '../i18n/index.js';
import { formatCount, formatShare, type TodayFigures } from '../state/figures.js';
import { h, setText, toggleClass } from './dom.js';
import type { ConnectionIndicator } from './indicator.js';

type FigureName = 'calls' | 'prank' | 'open' | 'overdue' | 'resolved';
const FIGURES: FigureName[] = ['calls', 'prank', 'open', 'overdue', 'resolved'];

export interface HeaderActions {
  onToggleSound(): void;
  onToggleLanguage(): void;
}

/**
 * @example
 * const header = new Header(i18n, indicator, { onToggleSound, onToggleLanguage });
 * document.body.prepend(header.el);
 * header.setFigures(todayFigures(state, opts));
 */
export class Header {
  readonly el: HTMLElement;
  private readonly name: HTMLElement;
  private readonly clock: HTMLElement;
  private readonly today: HTMLElement;
  private readonly values = {} as Record<FigureName, HTMLElement>;
  private readonly labels = {} as Record<FigureName, HTMLElement>;
  private readonly tiles = {} as Record<FigureName, HTMLElement>;
  private readonly soundButton: HTMLButtonElement;
  private readonly langButton: HTMLButtonElement;
  private figures: TodayFigures | null = null;
  private tenantName = '';
  private sound = false;

  constructor(
    private readonly i18n: I18n,
    indicator: ConnectionIndicator,
    actions: HeaderActions,
  ) {
    this.name = h('h1', { class: 'header__name' });
    this.clock = h('div', { class: 'header__clock', attrs: { 'data-testid': 'clock' } });
    this.today = h('div', { class: 'figures__today' });
    const figures = h('dl', { class: 'figures', attrs: { 'data-testid': 'figures' } }, this.today);
    for (const name of FIGURES) {
      this.labels[name] = h('dt', { class: 'figure__label' });
      this.values[name] = h('dd', { class: 'figure__value', attrs: { 'data-figure': name } }, '—');
      this.tiles[name] = h('div', { class: `figure figure--${name}` }, this.values[name], this.labels[name]);
      figures.append(this.tiles[name]);
    }
    this.soundButton = h('button', {
      class: 'switch switch--sound',
      attrs: { type: 'button', 'aria-pressed': 'false' },
      on: { click: () => actions.onToggleSound() },
    });
    this.langButton = h('button', {
      class: 'switch switch--lang',
      attrs: { type: 'button' },
      on: { click: () => actions.onToggleLanguage() },
    });
    this.el = h(
      'header',
      { class: 'header' },
      h('div', { class: 'header__title' }, this.name, this.clock),
      figures,
      h(
        'div',
        { class: 'header__status' },
        indicator.el,
        h('div', { class: 'switches' }, this.soundButton, this.langButton),
      ),
    );
    i18n.onChange(() => this.render());
    this.render();
  }

  setTenant(name: string): void {
    this.tenantName = name;
    this.render();
  }

  setSound(on: boolean): void {
    this.sound = on;
    this.render();
  }

  setFigures(figures: TodayFigures): void {
    this.figures = figures;
    this.renderFigures();
  }

  /** Called every second. */
  tick(now: number): void {
    setText(this.clock, this.i18n.time(now));
  }

  private render(): void {
    const { t } = this.i18n;
    setText(this.name, this.tenantName ? `${t('app.title')} · ${this.tenantName}` : t('app.title'));
    setText(this.today, t('header.today'));
    const label: Record<FigureName, MessageKey> = {
      calls: 'figure.calls',
      prank: 'figure.prank',
      open: 'figure.open',
      overdue: 'figure.overdue',
      resolved: 'figure.resolved',
    };
    for (const name of FIGURES) setText(this.labels[name], t(label[name]));
    setText(this.soundButton, t(this.sound ? 'control.soundOn' : 'control.soundOff'));
    this.soundButton.setAttribute('aria-pressed', String(this.sound));
    setText(this.langButton, t('control.language'));
    this.langButton.setAttribute('aria-label', t('control.languageLabel'));
    this.langButton.setAttribute('lang', this.i18n.lang === 'id' ? 'en' : 'id');
    this.renderFigures();
  }

  private renderFigures(): void {
    const f = this.figures;
    if (!f) return;
    const locale = this.i18n.locale;
    setText(this.values.calls, formatCount(f.calls, locale));
    setText(this.values.prank, formatShare(f.prankShare, locale));
    setText(this.values.open, formatCount(f.open, locale));
    setText(this.values.overdue, formatCount(f.overdue, locale));
    setText(this.values.resolved, formatCount(f.resolved, locale));
    toggleClass(this.tiles.overdue, 'figure--alarm', f.overdue > 0);
  }
}
