import { type Catalogue, catalogues, LANGS, type Lang, type MessageKey } from './messages.js';

export type { Lang, MessageKey };
export { LANGS };

export type Vars = Record<string, string | number>;

/**
 * Looks a message up and fills its `{placeholders}`. Values are inserted as plain text: the
 * result is always put into the page with `textContent`, never as HTML.
 *
 * @example
 * translate('en', 'panel.more', { n: 12 }); // '+12 more incidents'
 */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const catalogue: Catalogue = catalogues[lang] ?? catalogues.id;
  const text = catalogue[key] ?? catalogues.id[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

/** `'id'` unless `value` names another catalogue. */
export function asLang(value: string | null | undefined): Lang {
  return LANGS.includes(value as Lang) ? (value as Lang) : 'id';
}

/**
 * The board's current language and the tenant's time zone, with listeners (controls re-render
 * their labels on a switch). Times are always shown in the tenant's zone, not the screen's.
 *
 * @example
 * const i18n = new I18n('id');
 * i18n.onChange(() => header.render());
 * i18n.set('en');
 */
export class I18n {
  private listeners = new Set<(lang: Lang) => void>();

  constructor(
    public lang: Lang = 'id',
    /** IANA zone of the tenant (WIB by default until `GET /v1/tenant` answers). */
    public timeZone = 'Asia/Jakarta',
  ) {}

  t = (key: MessageKey, vars?: Vars): string => translate(this.lang, key, vars);

  set(lang: Lang): void {
    if (lang === this.lang) return;
    this.lang = lang;
    for (const listener of this.listeners) listener(lang);
  }

  onChange(listener: (lang: Lang) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** BCP 47 tag for `Intl` formatting. */
  get locale(): string {
    return this.lang === 'id' ? 'id-ID' : 'en-GB';
  }

  /** `HH:MM:SS` in the tenant's zone. */
  time(at: number | string): string {
    return formatTime(at, this.locale, this.timeZone);
  }
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A 24-hour `HH:MM:SS` clock time in a time zone (colons in both languages: a wall-board is
 * read at a glance, and `id-ID` would write 10.42.05).
 *
 * @example
 * formatTime(Date.parse('2026-11-23T03:42:05Z'), 'id-ID', 'Asia/Jakarta'); // '10:42:05'
 */
export function formatTime(at: number | string, locale: string, timeZone: string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at;
  const cacheKey = `${locale}|${timeZone}`;
  let format = timeFormats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    timeFormats.set(cacheKey, format);
  }
  const parts = format.formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('hour')}:${get('minute')}:${get('second')}`;
}
