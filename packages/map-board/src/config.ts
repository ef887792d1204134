/**
 * How the board is opened and configured, read from the URL fragment (never sent to the
 * server, so a key in it appears in no request line and no log) and from browser storage.
 *
 *   /board#key=sgp_...                      a viewer key (kept in sessionStorage, then removed from the address bar)
 *   /board#token=slt_...                    a live token instead (live stream only, for 5 minutes)
 *   /board#lang=en                          English (default: Bahasa Indonesia)
 *   /board#sound=1                          the P1 beep on (default off)
 *   /board#follow=0                         do not bring new P1 incidents into view
 *   /board#basemap=raster:/tiles/{z}/{x}/{y}.png   a raster XYZ basemap (same origin)
 *   /board#basemap=style:/styles/dark.json          a MapLibre style as basemap
 *   /board#basemap=pmtiles:/tiles/region.pmtiles    a PMTiles archive (raster or vector)
 *   /board#basemap=none                     forget a stored basemap
 */
import { asLang, type Lang } from './i18n/index.js';

export type Basemap =
  | { type: 'raster'; url: string; tileSize: number; attribution: string }
  | { type: 'style'; url: string }
  | { type: 'pmtiles'; url: string; attribution: string };

export interface BoardConfig {
  /** A viewer API key (`sgp_...`). */
  key: string | null;
  /** A live token (`slt_...`), used when there is no key. */
  token: string | null;
  lang: Lang;
  sound: boolean;
  /** Bring new P1 incidents into view (kiosk behaviour). */
  follow: boolean;
  basemap: Basemap | null;
}

/** The parts of `sessionStorage` / `localStorage` used here (tests pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const STORAGE = {
  key: 'sigap.board.key',
  token: 'sigap.board.token',
  lang: 'sigap.board.lang',
  sound: 'sigap.board.sound',
  follow: 'sigap.board.follow',
  basemap: 'sigap.board.basemap',
} as const;

/**
 * `#a=1&b=2` → `{ a: '1', b: '2' }` (a leading `#` is optional; values are URL-decoded).
 *
 * @example
 * parseFragment('#key=sgp_abc&lang=en'); // { key: 'sgp_abc', lang: 'en' }
 */
export function parseFragment(hash: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(hash.replace(/^#/, ''))) out[k] = v;
  return out;
}

/**
 * `raster:/tiles/{z}/{x}/{y}.png`, `style:/style.json` or `pmtiles:/x.pmtiles` → a basemap;
 * anything else → `null`.
 *
 * @example
 * parseBasemap('pmtiles:/tiles/sidoarjo.pmtiles'); // { type: 'pmtiles', url: '/tiles/sidoarjo.pmtiles', attribution: '' }
 */
export function parseBasemap(value: string | null | undefined): Basemap | null {
  if (!value) return null;
  const match = /^(raster|style|pmtiles):(.+)$/.exec(value.trim());
  if (!match) return null;
  const [, type, url] = match as unknown as [string, 'raster' | 'style' | 'pmtiles', string];
  if (type === 'raster') return { type, url, tileSize: 256, attribution: '' };
  if (type === 'pmtiles') return { type, url, attribution: '' };
  return { type, url };
}

const KEY_RE = /^sgp_[A-Za-z0-9_-]{8,200}$/;
const TOKEN_RE = /^slt_[A-Za-z0-9_-]{8,100}$/;

/**
 * Reads the configuration: the fragment first, then what earlier visits stored. A key or token
 * from the fragment goes to `session` (this tab only, gone when it closes); preferences go to
 * `local`. `cleanHash` is the fragment without the key or token, to put back in the address bar
 * so the secret does not stay on screen.
 *
 * @example
 * const { config, cleanHash } = resolveConfig(location.hash, sessionStorage, localStorage);
 * history.replaceState(null, '', location.pathname + location.search + cleanHash);
 */
export function resolveConfig(
  hash: string,
  session: KeyValueStore,
  local: KeyValueStore,
): { config: BoardConfig; cleanHash: string } {
  const params = parseFragment(hash);
  const rest = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (k !== 'key' && k !== 'token') rest.set(k, v);

  if (params.key && KEY_RE.test(params.key)) {
    session.setItem(STORAGE.key, params.key);
    session.removeItem(STORAGE.token);
  } else if (params.token && TOKEN_RE.test(params.token)) {
    session.setItem(STORAGE.token, params.token);
    session.removeItem(STORAGE.key);
  }
  const remember = (name: keyof typeof STORAGE, value: string | undefined) => {
    if (value !== undefined) local.setItem(STORAGE[name], value);
  };
  remember('lang', params.lang);
  remember('sound', params.sound);
  remember('follow', params.follow);
  if (params.basemap === 'none') local.removeItem(STORAGE.basemap);
  else if (parseBasemap(params.basemap)) remember('basemap', params.basemap);

  const key = session.getItem(STORAGE.key);
  const token = session.getItem(STORAGE.token);
  const config: BoardConfig = {
    key: key && KEY_RE.test(key) ? key : null,
    token: token && TOKEN_RE.test(token) ? token : null,
    lang: asLang(local.getItem(STORAGE.lang)),
    sound: local.getItem(STORAGE.sound) === '1',
    follow: local.getItem(STORAGE.follow) !== '0',
    basemap: parseBasemap(local.getItem(STORAGE.basemap)),
  };
  const restText = rest.toString();
  return { config, cleanHash: restText ? `#${restText}` : '' };
}
