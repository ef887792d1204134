/**
 * Entry point of the board page (`/board`): reads the configuration from the URL fragment,
 * takes the key out of the address bar, and starts the board.
 */
import '@fontsource/atkinson-hyperlegible/latin-400.css';
import '@fontsource/atkinson-hyperlegible/latin-700.css';
import './styles.css';
import { createClient } from '@sigap/sdk';
import { Board } from './board.js';
import { resolveConfig } from './config.js';
import { h } from './controls/dom.js';
import { I18n } from './i18n/index.js';
import { tokenFetch } from './sources/token.js';

function boot(): void {
  const { config, cleanHash } = resolveConfig(location.hash, sessionStorage, localStorage);
  // The key stays in this tab's sessionStorage, not on screen or in the history.
  history.replaceState(history.state, '', `${location.pathname}${location.search}${cleanHash}`);
  const root = document.getElementById('board')!;
  const i18n = new I18n(config.lang);
  if (!config.key && !config.token) {
    root.replaceChildren(h('p', { class: 'message', attrs: { role: 'alert' } }, i18n.t('app.noKey')));
    return;
  }
  const client = createClient({
    baseUrl: location.origin,
    ...(config.key ? { apiKey: config.key } : { fetch: tokenFetch(config.token!) }),
  });
  Board.start({ config, client, root, storage: localStorage }).catch((error: unknown) => {
    console.error('board failed to start', error);
    root.append(h('p', { class: 'message', attrs: { role: 'alert' } }, String(error)));
  });
}

// A new key pasted into the address bar (`#key=...`) takes effect at once.
addEventListener('hashchange', () => {
  if (/[#&](key|token)=/.test(location.hash)) location.reload();
});

boot();
