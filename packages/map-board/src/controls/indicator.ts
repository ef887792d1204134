/**
 * The connection indicator: nobody may trust a board that is not live, so anything but a live
 * socket is said in words, in red, and the whole board gets a red frame (`body.not-live`).
 */
import type { LiveStatus } from '@sigap/sdk';
import type { I18n, MessageKey } from '../i18n/index.js';
import { h, setText, toggleClass } from './dom.js';

export type Connection = LiveStatus | 'auth-failed';

const MESSAGE: Record<Connection, MessageKey> = {
  connecting: 'live.connecting',
  live: 'live.live',
  reconnecting: 'live.reconnecting',
  polling: 'live.polling',
  closed: 'live.closed',
  'auth-failed': 'live.authFailed',
};

/**
 * @example
 * const indicator = new ConnectionIndicator(i18n);
 * header.append(indicator.el);
 * sub = sigap.live.subscribe({}, { onStatus: (s) => indicator.set(s) });
 */
export class ConnectionIndicator {
  readonly el: HTMLElement;
  private readonly label: HTMLElement;
  private readonly detail: HTMLElement;
  status: Connection = 'connecting';
  private lastEventAt: string | null = null;

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLElement = document.body,
  ) {
    this.label = h('span', { class: 'live__label' });
    this.detail = h('span', { class: 'live__detail' });
    this.el = h(
      'div',
      { class: 'live', attrs: { role: 'status', 'aria-live': 'assertive', 'data-testid': 'connection' } },
      h('span', { class: 'live__dot', attrs: { 'aria-hidden': 'true' } }),
      this.label,
      this.detail,
    );
    i18n.onChange(() => this.render());
    this.render();
  }

  set(status: Connection): void {
    this.status = status;
    this.render();
  }

  /** The time of the last data received, shown while not live ("Data terakhir 10:42:05"). */
  setLastEvent(at: string | null): void {
    this.lastEventAt = at;
    if (this.status !== 'live') this.render();
  }

  get isLive(): boolean {
    return this.status === 'live';
  }

  private render(): void {
    const { t } = this.i18n;
    setText(this.label, t(MESSAGE[this.status]));
    this.el.dataset.status = this.status;
    const time = this.lastEventAt && !this.isLive ? this.i18n.time(this.lastEventAt) : null;
    setText(this.detail, time ? t('live.lastEvent', { time }) : '');
    toggleClass(this.root, 'not-live', !this.isLive);
  }
}
