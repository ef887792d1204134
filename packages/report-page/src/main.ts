import type { Category, HotspotReport, SummaryReport } from '@sigap/contract';
import { type Api, ApiError, type AreaCollection, api, type Period, type Tenant } from './api.js';
import { barChart, callsChart } from './charts.js';
import { type Child, h } from './dom.js';
import {
  addDays,
  daysBetween,
  fmtDate,
  fmtDuration,
  fmtInstant,
  fmtInt,
  fmtMonth,
  fmtSecondsNumber,
  fmtShare,
  today,
} from './format.js';
import { type Key, type Lang, type Translator, translator } from './i18n.js';
import { MapView } from './map.js';

/**
 * The monitoring-and-evaluation report page (/reports#key=<key>). The key is read from the
 * fragment (never sent to the server in a URL), kept in sessionStorage for this tab, and removed
 * from the address bar. Figures come from GET /v1/reports/*; nothing is computed here beyond
 * formatting.
 */
const KEY_STORAGE = 'sigap.reports.key';
const LANG_STORAGE = 'sigap.reports.lang';

interface Selection {
  mode: 'month' | 'range';
  month: string;
  from: string;
  /** Inclusive last day, as people say it ("1 to 31 March"); the API's `to` is the day after. */
  through: string;
}

interface Loaded {
  period: Period;
  selection: Selection;
  summary: SummaryReport;
  hotspots: HotspotReport;
}

const state: {
  key: string | null;
  lang: Lang;
  selection: Selection | null;
  tenant: Tenant | null;
  categories: Map<string, Category>;
  areas: AreaCollection | null;
  loaded: Loaded | null;
  status: 'loading' | 'ready' | 'error' | 'nokey';
  error: string | null;
  api: Api | null;
  map: MapView | null;
} = {
  key: null,
  lang: 'id',
  selection: null,
  tenant: null,
  categories: new Map(),
  areas: null,
  loaded: null,
  status: 'loading',
  error: null,
  api: null,
  map: null,
};

const root = document.getElementById('app')!;
const setStatus = (status: typeof state.status) => {
  state.status = status;
  document.body.dataset.state = status;
};

// ---------------------------------------------------------------------------------------------
// Start-up: the key and the period from the fragment.

function readFragment(): URLSearchParams {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const key = params.get('key');
  if (key) {
    sessionStorage.setItem(KEY_STORAGE, key);
    params.delete('key');
  }
  // The key leaves the address bar (and history) at once; the period stays, for bookmarks.
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return params;
}

function writeFragment(sel: Selection): void {
  const params = new URLSearchParams();
  if (sel.mode === 'month') params.set('month', sel.month);
  else {
    params.set('from', sel.from);
    params.set('through', sel.through);
  }
  if (state.lang !== 'id') params.set('lang', state.lang);
  history.replaceState(null, '', `${location.pathname}${location.search}#${params}`);
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function monthRange(month: string): { from: string; through: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, through: addDays(`${next}-01`, -1) };
}

function initialSelection(params: URLSearchParams, timeZone: string): Selection {
  const month = params.get('month');
  const from = params.get('from');
  const through = params.get('through');
  if (from && through && DATE.test(from) && DATE.test(through) && through >= from) {
    return { mode: 'range', month: from.slice(0, 7), from, through };
  }
  const m = month && MONTH.test(month) ? month : today(timeZone).slice(0, 7);
  return { mode: 'month', month: m, ...monthRange(m) };
}

async function start(): Promise<void> {
  const params = readFragment();
  const lang = params.get('lang') ?? localStorage.getItem(LANG_STORAGE);
  state.lang = lang === 'en' ? 'en' : 'id';
  state.key = sessionStorage.getItem(KEY_STORAGE);
  if (!state.key) {
    setStatus('nokey');
    render();
    return;
  }
  state.api = api(state.key);
  setStatus('loading');
  render();
  try {
    const [tenant, categories, areas] = await Promise.all([
      state.api.tenant(),
      state.api.categories(),
      state.api.areas(),
    ]);
    state.tenant = tenant;
    state.categories = new Map(categories.map((c) => [c.code, c]));
    state.areas = areas;
    state.selection = initialSelection(params, tenant.timeZone);
    await load(state.selection);
  } catch (error) {
    fail(error);
  }
}

function fail(error: unknown): void {
  const t = translator(state.lang).t;
  if (error instanceof ApiError && error.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    state.error = t('errUnauthorized');
  } else if (error instanceof ApiError && error.status === 403) state.error = t('errForbidden');
  else state.error = t('errOther', { message: error instanceof Error ? error.message : String(error) });
  setStatus('error');
  render();
}

async function load(selection: Selection): Promise<void> {
  const period: Period = { from: selection.from, to: addDays(selection.through, 1) };
  const days = daysBetween(period.from, period.to);
  setStatus('loading');
  render();
  const [summary, hotspots] = await Promise.all([
    state.api!.summary(period, days <= 62 ? 'day' : 'week'),
    state.api!.hotspots(period),
  ]);
  state.loaded = { period, selection, summary, hotspots };
  state.selection = selection;
  writeFragment(selection);
  setStatus('ready');
  render();
  if (!state.map) state.map = new MapView(translator(state.lang).t('mapAlt'));
  render();
  await state.map.show(state.tenant!, state.areas!, hotspots);
}

// ---------------------------------------------------------------------------------------------
// Rendering. The whole page is rebuilt from `state` (language switch, new period); the map
// element is kept and moved, so the map is not re-created.

interface Cell {
  text: string;
  /** The raw figure, for tests and for anyone reading the DOM. */
  value?: string | number | null;
  key?: string;
  num?: boolean;
  cls?: string;
}
type CellLike = Cell | string;

function table(
  caption: string,
  headers: string[],
  rows: CellLike[][],
  options: { numeric?: number[]; footer?: CellLike[]; id?: string } = {},
): HTMLTableElement {
  const numeric = new Set(options.numeric ?? []);
  const cell = (tag: 'td' | 'th', c: CellLike, i: number) => {
    const v = typeof c === 'string' ? { text: c } : c;
    return h(
      tag,
      {
        class: numeric.has(i) || v.num ? 'num' : (v.cls ?? null),
        'data-key': v.key,
        'data-value': v.value === undefined ? undefined : v.value === null ? 'null' : String(v.value),
      },
      v.text,
    );
  };
  return h(
    'table',
    { id: options.id },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headers.map((x, i) => h('th', { scope: 'col', class: numeric.has(i) ? 'num' : null }, x)),
      ),
    ),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => cell('td', c, i))))),
    options.footer ? h('tfoot', {}, h('tr', {}, ...options.footer.map((c, i) => cell('td', c, i)))) : null,
  );
}

function csvButton(tr: Translator, label: string, path: string, file: string): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'csv no-print', 'data-csv': path },
    `${tr.t('csv')}: ${label}`,
  );
  button.addEventListener('click', () => {
    state
      .api!.download(path, file)
      .catch((error) => alert(error instanceof Error ? error.message : String(error)));
  });
  return button;
}

function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'report-section', id }, h('h2', {}, title), ...children);
}

function render(): void {
  const tr = translator(state.lang);
  const { t } = tr;
  document.documentElement.lang = state.lang;
  document.title = state.tenant ? `${t('title')} – ${state.tenant.name}` : t('title');

  const header = h(
    'header',
    { class: 'report-header' },
    h('h1', {}, t('title')),
    state.tenant ? h('p', { class: 'tenant' }, state.tenant.name) : null,
    state.loaded
      ? h('p', { class: 'period', 'data-key': 'period' }, periodLabel(tr, state.loaded.selection))
      : null,
    state.loaded
      ? h(
          'p',
          { class: 'generated' },
          t('generatedAt', {
            time: fmtInstant(state.lang, state.loaded.summary.generatedAt, state.loaded.summary.timeZone),
            zone: state.loaded.summary.timeZone,
          }),
        )
      : null,
  );

  const children: Child[] = [header, controls(tr)];
  if (state.status === 'nokey') children.push(keyForm(tr));
  if (state.status === 'error') children.push(h('p', { class: 'error', role: 'alert' }, state.error ?? ''));
  if (state.status === 'loading') children.push(h('p', { class: 'loading' }, t('loading')));
  if (state.loaded && state.status !== 'error') children.push(...report(tr, state.loaded));
  root.replaceChildren(...children.filter((c): c is Node => c instanceof Node));
  state.map?.resize();
}

function periodLabel(tr: Translator, sel: Selection): string {
  if (sel.mode === 'month') return `${tr.t('period')}: ${fmtMonth(tr.lang, sel.month)}`;
  return `${tr.t('period')}: ${fmtDate(tr.lang, sel.from)} – ${fmtDate(tr.lang, sel.through)}`;
}

function controls(tr: Translator): HTMLElement {
  const { t } = tr;
  const sel = state.selection;
  const langButton = h(
    'button',
    { type: 'button', class: 'lang', 'data-action': 'lang', lang: state.lang === 'id' ? 'en' : 'id' },
    t('switchLang'),
  );
  langButton.addEventListener('click', () => {
    state.lang = state.lang === 'id' ? 'en' : 'id';
    localStorage.setItem(LANG_STORAGE, state.lang);
    if (state.selection && state.loaded) writeFragment(state.selection);
    render();
  });
  const printButton = h('button', { type: 'button', class: 'print', 'data-action': 'print' }, t('print'));
  printButton.addEventListener('click', () => window.print());
  if (!sel) return h('div', { class: 'controls no-print' }, langButton);

  const radio = (mode: Selection['mode'], label: string) =>
    h(
      'label',
      {},
      h('input', { type: 'radio', name: 'mode', value: mode, checked: sel.mode === mode }),
      ` ${label}`,
    );
  const month = h('input', { type: 'month', name: 'month', value: sel.month, required: true });
  const from = h('input', { type: 'date', name: 'from', value: sel.from });
  const through = h('input', { type: 'date', name: 'through', value: sel.through });
  const message = h('span', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'period-form', 'aria-label': t('period') },
    h(
      'fieldset',
      {},
      h('legend', {}, t('period')),
      radio('month', t('modeMonth')),
      radio('range', t('modeRange')),
    ),
    h('label', {}, `${t('month')} `, month),
    h('label', {}, `${t('from')} `, from),
    h('label', {}, `${t('through')} `, through),
    h('button', { type: 'submit' }, t('show')),
    message,
  );
  const sync = () => {
    const mode = (form.elements.namedItem('mode') as RadioNodeList).value;
    month.disabled = mode !== 'month';
    from.disabled = through.disabled = mode !== 'range';
  };
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const mode = (form.elements.namedItem('mode') as RadioNodeList).value as Selection['mode'];
    let next: Selection;
    if (mode === 'month') {
      if (!MONTH.test(month.value)) {
        message.textContent = t('errRange');
        return;
      }
      next = { mode, month: month.value, ...monthRange(month.value) };
    } else {
      const ok = DATE.test(from.value) && DATE.test(through.value) && through.value >= from.value;
      if (!ok || daysBetween(from.value, through.value) >= 400) {
        message.textContent = t('errRange');
        return;
      }
      next = { mode, month: from.value.slice(0, 7), from: from.value, through: through.value };
    }
    load(next).catch(fail);
  });
  return h(
    'div',
    { class: 'controls no-print' },
    form,
    h('div', { class: 'actions' }, printButton, langButton),
  );
}

function keyForm(tr: Translator): HTMLElement {
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', required: true });
  const form = h(
    'form',
    { class: 'key-form' },
    h('p', {}, tr.t('noKey')),
    h('label', {}, `${tr.t('keyLabel')} `, input),
    h('button', { type: 'submit' }, tr.t('open')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, input.value.trim());
    start().catch(fail);
  });
  return form;
}

// ---------------------------------------------------------------------------------------------

function report(tr: Translator, data: Loaded): HTMLElement[] {
  const { t, lang } = tr;
  const { summary, hotspots, period } = data;
  const calls = summary.calls;
  const inc = summary.incidents;
  const share = (k: string, v: number | null): Cell => ({
    text: fmtShare(lang, v),
    value: v,
    key: k,
    num: true,
  });
  const int = (k: string | undefined, v: number | null): Cell => ({
    text: fmtInt(lang, v),
    value: v,
    key: k,
    num: true,
  });
  const secs = (k: string, v: number | null): Cell => ({
    text: v === null ? '–' : t('seconds', { n: fmtSecondsNumber(lang, v) }),
    value: v,
    key: k,
    num: true,
  });
  const categoryLabel = (code: string, fallback?: string) => {
    const c = state.categories.get(code);
    return c ? (lang === 'id' ? c.labelId : c.labelEn) : (fallback ?? code);
  };
  const csvName = (s: string) => `sigap112-${s}-${period.from}_${period.to}.csv`;
  const summaryCsv = (s: string, label: Key) =>
    csvButton(tr, t(label), state.api!.csvPath('summary', period, s), csvName(s));

  // Summary figures
  const figure = (label: Key, cell: Cell) =>
    h(
      'div',
      { class: 'figure' },
      h('div', { class: 'figure-value', 'data-key': cell.key, 'data-value': String(cell.value) }, cell.text),
      h('div', { class: 'figure-label' }, t(label)),
    );
  const summarySection = section(
    'summary',
    t('secSummary'),
    h(
      'div',
      { class: 'figures' },
      calls ? figure('kCalls', int('calls.total', calls.total)) : null,
      calls ? figure('kPrankShare', share('calls.prankShare', calls.prankShare)) : null,
      calls ? figure('kNuisanceShare', share('calls.nuisanceShare', calls.nuisanceShare)) : null,
      figure('kIncidents', int('incidents.total', inc.total)),
      figure('kReopened', int('incidents.reopened', inc.reopened)),
      figure('kWithin60', share('handling.within60', summary.handling.answerToIncident.within60sShare)),
      figure('kOverdue', int('handoffs.overdue', summary.overdueHandoffs.length)),
    ),
    h(
      'p',
      { class: 'note' },
      t('excluded', { merged: inc.excluded.merged, rejected: inc.excluded.rejected }),
    ),
  );

  // Calls
  const callsSection = calls
    ? section(
        'calls',
        t('secCalls'),
        callsChart(
          summary.groupBy === 'day' ? t('chDaily') : t('chWeekly'),
          calls.periods.map((p) => ({
            label:
              summary.groupBy === 'day' && data.selection.mode === 'month'
                ? String(Number(p.period.slice(8)))
                : fmtDate(lang, p.period, 'short'),
            total: p.total,
            prankShare: p.prankShare,
          })),
          { calls: t('legendCalls'), prank: t('legendPrank') },
        ),
        table(
          t('tByChannel'),
          [t('channel'), t('total'), t('prank'), t('prankShare'), t('nuisance'), t('nuisanceShare')],
          calls.byChannel.map((c) => [
            tr.channel(c.channel),
            int(`calls.channel.${c.channel}.total`, c.total),
            int(`calls.channel.${c.channel}.prank`, c.prank),
            share(`calls.channel.${c.channel}.prankShare`, c.prankShare),
            int(`calls.channel.${c.channel}.nuisance`, c.nuisance),
            share(`calls.channel.${c.channel}.nuisanceShare`, c.nuisanceShare),
          ]),
          {
            numeric: [1, 2, 3, 4, 5],
            footer: [
              t('all'),
              int('calls.byChannel.total', calls.total),
              int(undefined, calls.prank),
              share('calls.byChannel.prankShare', calls.prankShare),
              int(undefined, calls.nuisance),
              share('calls.byChannel.nuisanceShare', calls.nuisanceShare),
            ],
          },
        ),
        table(
          t('tByOutcome'),
          [t('outcome'), t('count'), t('share')],
          calls.byOutcome.map((o) => [
            tr.outcome(o.outcome),
            int(`calls.outcome.${o.outcome}`, o.count),
            share(`calls.outcome.${o.outcome}.share`, o.share),
          ]),
          { numeric: [1, 2] },
        ),
        summaryCsv('calls', 'secCalls'),
      )
    : section('calls', t('secCalls'), h('p', { class: 'note' }, t('noCalls')));

  // Incidents
  const incidentsSection = section(
    'incidents',
    t('secIncidents'),
    inc.byCategory.length > 0
      ? barChart(
          t('chCategories'),
          inc.byCategory.map((c) => ({
            label: categoryLabel(c.category, c.label),
            value: c.count,
            text: fmtInt(lang, c.count),
          })),
        )
      : null,
    table(
      t('tByCategory'),
      [t('category'), t('count')],
      inc.byCategory.map((c) => [
        { text: categoryLabel(c.category, c.label), key: `category.${c.category}.label` },
        int(`incidents.category.${c.category}`, c.count),
      ]),
      { numeric: [1], footer: [t('all'), int(undefined, inc.total)] },
    ),
    h(
      'div',
      { class: 'two-col' },
      table(
        t('tByKecamatan'),
        [t('kecamatan'), t('count')],
        inc.byKecamatan.map((k) => [
          k.name ?? (k.code ? k.code : t('noKecamatan')),
          int(`incidents.kecamatan.${k.code ?? 'none'}`, k.count),
        ]),
        { numeric: [1] },
      ),
      table(
        t('tByPriority'),
        [t('priority'), t('count')],
        inc.byPriority.map((p) => [
          tr.priority(p.priority),
          int(`incidents.priority.${p.priority}`, p.count),
        ]),
        { numeric: [1] },
      ),
    ),
    summaryCsv('incidents', 'secIncidents'),
  );

  // Agencies
  const kind = (k: string) => (k === 'vertical' ? t('kindVertical') : t('kindOpd'));
  const pair = (a: number | null, b: number | null) => `${fmtDuration(a)} / ${fmtDuration(b)}`;
  const agencyRows = summary.agencies.map((a) => {
    const k = `agency.${a.code}`;
    return [
      int(`${k}.rank`, a.rank),
      { text: `${a.name} (${a.code})`, key: `${k}.name`, cls: 'name' },
      { text: kind(a.kind), cls: 'kind' },
      int(`${k}.assigned`, a.assigned),
      int(`${k}.targetsMet`, a.targetsMet),
      int(`${k}.targetsMissed`, a.targetsMissed),
      int(`${k}.pending`, a.pending),
      share(`${k}.compliance`, a.compliance),
      {
        text: pair(a.ackMedianS, a.ackP90S),
        key: `${k}.ack`,
        value: `${a.ackMedianS}/${a.ackP90S}`,
        num: true,
      },
      {
        text: pair(a.onSceneMedianS, a.onSceneP90S),
        key: `${k}.onScene`,
        value: `${a.onSceneMedianS}/${a.onSceneP90S}`,
        num: true,
      },
      {
        text: pair(a.resolveMedianS, a.resolveP90S),
        key: `${k}.resolve`,
        value: `${a.resolveMedianS}/${a.resolveP90S}`,
        num: true,
      },
      int(`${k}.breaches`, a.breaches),
      int(`${k}.reopened`, a.reopened),
      int(`${k}.handoffsOverdue`, a.handoffsOverdue),
    ];
  });
  const judged = summary.agencies.filter((a) => a.assigned > 0);
  const agenciesSection = section(
    'agencies',
    t('secAgencies'),
    h('p', { class: 'note' }, t('agenciesNote')),
    h(
      'div',
      { class: 'table-scroll' },
      table(
        t('secAgencies'),
        [
          t('rank'),
          t('agency'),
          t('kind'),
          t('assigned'),
          t('met'),
          t('missed'),
          t('pending'),
          t('compliance'),
          t('ackTime'),
          t('onSceneTime'),
          t('resolveTime'),
          t('breaches'),
          t('reopened'),
          t('handoffsOverdue'),
        ],
        agencyRows,
        { numeric: [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], id: 'agency-table' },
      ),
    ),
    csvButton(tr, t('secAgencies'), state.api!.csvPath('agencies', period), csvName('instansi')),
    judged.length > 0
      ? barChart(
          t('chCompliance'),
          judged.map((a) => ({
            label: a.name,
            value: a.compliance,
            text: a.compliance === null ? t('notJudged') : fmtShare(lang, a.compliance),
          })),
          { max: 1, marker: { at: 0.9, label: t('target90') }, color: '#15803d' },
        )
      : null,
    h('h3', {}, t('tHandoffs')),
    summary.overdueHandoffs.length > 0
      ? table(
          t('tHandoffs'),
          [
            t('incident'),
            t('category'),
            t('agency'),
            t('ticket'),
            t('promisedAt'),
            t('overdueHours'),
            t('status'),
          ],
          summary.overdueHandoffs.map((o) => [
            o.incidentNumber,
            categoryLabel(o.category),
            { text: o.agencyName, key: `handoff.${o.assignmentId}.agency` },
            { text: o.ticket ?? '–', key: `handoff.${o.assignmentId}.ticket` },
            fmtInstant(lang, o.promisedAt, summary.timeZone),
            int(`handoff.${o.assignmentId}.overdueHours`, o.overdueHours),
            o.status,
          ]),
          { numeric: [5], id: 'handoff-table' },
        )
      : h('p', { class: 'note' }, t('noHandoffs')),
    summaryCsv('handoffs', 'tHandoffs'),
  );

  // Handling times
  const h1 = summary.handling;
  const handlingSection = section(
    'handling',
    t('secHandling'),
    h('p', { class: 'note' }, t('handlingNote')),
    table(
      t('secHandling'),
      [t('interval'), t('count'), t('median'), t('p90'), t('within60')],
      (['answerToIncident', 'incidentToDispatch'] as const).map((name) => [
        t(name),
        int(`handling.${name}.count`, h1[name].count),
        secs(`handling.${name}.median`, h1[name].medianS),
        secs(`handling.${name}.p90`, h1[name].p90S),
        share(`handling.${name}.within60`, h1[name].within60sShare),
      ]),
      { numeric: [1, 2, 3, 4] },
    ),
    summaryCsv('handling', 'secHandling'),
  );

  // Map
  const mapSection = section(
    'map',
    t('secMap'),
    h('p', { class: 'note' }, t('mapNote', { cell: fmtInt(lang, hotspots.cellM) })),
    state.map ? state.map.el : null,
    h(
      'p',
      { class: 'note', 'data-key': 'hotspots.unknownArea', 'data-value': String(hotspots.unknownArea) },
      t('unknownArea', { n: fmtInt(lang, hotspots.unknownArea) }),
    ),
    csvButton(tr, t('tHotspotAreas'), state.api!.csvPath('hotspots', period, 'areas'), csvName('sebaran')),
  );

  return [summarySection, callsSection, incidentsSection, agenciesSection, handlingSection, mapSection];
}

start().catch(fail);
