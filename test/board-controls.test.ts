// @vitest-environment happy-dom
/**
 * The wall-board's controls in a DOM (happy-dom; the real browser is board.e2e.test.ts): user
 * text is always text, the panel's order, keyboard use and countdowns, the header's figures,
 * and the connection indicator's plain words. Sources: packages/map-board/src/controls.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { h } from '../packages/map-board/src/controls/dom.js';
import { Header } from '../packages/map-board/src/controls/header.js';
import { ConnectionIndicator } from '../packages/map-board/src/controls/indicator.js';
import { IncidentPanel } from '../packages/map-board/src/controls/panel.js';
import { I18n } from '../packages/map-board/src/i18n/index.js';
import type { Incident, Targets } from '../packages/map-board/src/state/model.js';
import { sortIncidents } from '../packages/map-board/src/state/sort.js';
import { incident, T0 } from '../packages/map-board/test/fixtures.js';

const XSS = '<img src=x onerror=alert(1)>';
const TARGETS: Targets = { P1: { acknowledgeS: 120, onSceneS: 900, resolveS: null } };
const lookups = () => ({
  categoryLabel: (code: string) => ({ fire: 'Kebakaran', flood: 'Banjir' })[code] ?? code,
  areaName: (code: string) => ({ '35.15.01': 'Sidoarjo' })[code],
  targets: TARGETS,
});

beforeEach(() => {
  document.body.replaceChildren();
  document.body.className = '';
});

describe('text on the page', () => {
  it('h() puts strings in as text nodes, never as HTML', () => {
    const el = h('p', { attrs: { title: XSS } }, XSS, 42);
    expect(el.textContent).toBe(`${XSS}42`);
    expect(el.querySelector('img')).toBeNull();
    expect(el.getAttribute('title')).toBe(XSS);
  });

  it('the panel shows a description with HTML and script as those characters', () => {
    const selected: Incident[] = [];
    const panel = new IncidentPanel(new I18n('id'), lookups, { onSelect: (i) => selected.push(i) });
    document.body.append(panel.el);
    const evil = incident({ description: `${XSS}<script>alert(2)</script>`, category: '<b>x</b>' });
    panel.update([evil], T0);
    const row = panel.el.querySelector(`li[data-id="${evil.id}"]`)!;
    expect(row.querySelector('.row__desc')?.textContent).toBe(`${XSS}<script>alert(2)</script>`);
    expect(row.querySelector('.row__category')?.textContent).toBe('<b>x</b>');
    expect(panel.el.querySelectorAll('img, script, b')).toHaveLength(0);
  });
});

describe('the incident panel', () => {
  const make = (max?: number) => {
    const selected: Incident[] = [];
    const panel = new IncidentPanel(new I18n('id'), lookups, {
      onSelect: (i) => selected.push(i),
      ...(max ? { maxRows: max } : {}),
    });
    document.body.append(panel.el);
    return { panel, selected };
  };
  const ids = (panel: IncidentPanel) =>
    [...panel.el.querySelectorAll<HTMLElement>('li[data-id]')].map((li) => li.dataset.id);

  it('lists in priority-then-age order and reorders rows it keeps', () => {
    const { panel } = make();
    const p2 = incident({ priority: 'P2', category: 'flood' });
    const p1 = incident({ priority: 'P1' });
    panel.update(sortIncidents([p2, p1]), T0);
    expect(ids(panel)).toEqual([p1.id, p2.id]);
    const rowEl = panel.el.querySelector(`li[data-id="${p2.id}"]`);
    const raised = { ...p2, priority: 'P1' as const, createdAt: new Date(T0 - 60_000).toISOString() };
    panel.update(sortIncidents([raised, p1]), T0);
    expect(ids(panel)).toEqual([p2.id, p1.id]);
    expect(panel.el.querySelector(`li[data-id="${p2.id}"]`)).toBe(rowEl); // reused, not rebuilt
    expect(panel.el.querySelector('.row__category')?.textContent).toBe('Banjir');
    expect(panel.el.querySelector('[data-testid="panel-count"]')?.textContent).toBe('2');
  });

  it('chooses with arrow keys and Enter, and with a click', () => {
    const { panel, selected } = make();
    const list = [incident(), incident(), incident()];
    panel.update(list, T0);
    const listbox = panel.el.querySelector<HTMLElement>('[role="listbox"]')!;
    const key = (k: string) => listbox.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('ArrowDown');
    key('ArrowDown');
    key('Enter');
    expect(selected.map((i) => i.id)).toEqual([list[1]!.id]);
    expect(listbox.getAttribute('aria-activedescendant')).toBe(`row-${list[1]!.id}`);
    key('End');
    key('Enter');
    key('Home');
    key('ArrowUp');
    key('Enter');
    expect(selected.map((i) => i.id)).toEqual([list[1]!.id, list[2]!.id, list[0]!.id]);
    panel.el.querySelector<HTMLElement>(`li[data-id="${list[2]!.id}"]`)!.click();
    expect(selected.at(-1)?.id).toBe(list[2]!.id);
  });

  it('counts down every tick and turns red when the target is breached', () => {
    const { panel } = make();
    const i = incident({ status: 'received' });
    panel.update([i], T0 + 100_000);
    const row = panel.el.querySelector<HTMLElement>('li')!;
    expect(row.querySelector('.row__remaining')?.textContent).toBe('00:20');
    expect(row.classList.contains('row--breached')).toBe(false);
    panel.tick(T0 + 125_000);
    expect(row.querySelector('.row__remaining')?.textContent).toBe('\u221200:05');
    expect(row.querySelector('.row__target')?.textContent).toBe('LEWAT · kirim');
    expect(row.classList.contains('row--breached')).toBe(true);
  });

  it('shows the first rows and counts the rest', () => {
    const { panel } = make(3);
    panel.update(
      Array.from({ length: 10 }, () => incident()),
      T0,
    );
    expect(panel.el.querySelectorAll('li')).toHaveLength(3);
    expect(panel.el.querySelector('.panel__more')?.textContent).toBe('+7 kejadian lainnya');
    panel.update([], T0);
    expect((panel.el.querySelector('.panel__empty') as HTMLElement).hidden).toBe(false);
  });

  it('relabels in English', () => {
    const i18n = new I18n('id');
    const panel = new IncidentPanel(i18n, lookups, { onSelect: () => undefined });
    panel.update([incident({ status: 'en_route' })], T0);
    expect(panel.el.querySelector('.row__status')?.textContent).toBe('Menuju lokasi');
    i18n.set('en');
    expect(panel.el.querySelector('.row__status')?.textContent).toBe('En route');
    expect(panel.el.querySelector('.panel__title')?.textContent).toBe('Open incidents');
  });
});

describe('header and connection indicator', () => {
  it('says plainly when the board is not live, and frames the board in red', () => {
    const i18n = new I18n('id', 'Asia/Jakarta');
    const indicator = new ConnectionIndicator(i18n);
    document.body.append(indicator.el);
    expect(indicator.el.textContent).toContain('MENYAMBUNG');
    indicator.set('live');
    expect(indicator.el.textContent).toBe('LIVE');
    expect(document.body.classList.contains('not-live')).toBe(false);
    indicator.set('reconnecting');
    indicator.setLastEvent('2026-11-23T03:42:05Z');
    expect(indicator.el.textContent).toBe('TIDAK LIVE — menyambung ulang…Data terakhir 10:42:05');
    expect(indicator.el.getAttribute('role')).toBe('status');
    expect(document.body.classList.contains('not-live')).toBe(true);
    indicator.set('polling');
    expect(indicator.el.textContent).toContain('TIDAK LIVE — data tiap 5 detik');
    i18n.set('en');
    indicator.set('auth-failed');
    expect(indicator.el.textContent).toContain('NOT LIVE — key refused');
  });

  it('shows today’s figures, "—" for what is unknown, and marks overdue', () => {
    const i18n = new I18n('id');
    const clicks: string[] = [];
    const header = new Header(i18n, new ConnectionIndicator(i18n), {
      onToggleSound: () => clicks.push('sound'),
      onToggleLanguage: () => clicks.push('lang'),
    });
    header.setTenant('Kabupaten Sidoarjo');
    header.setFigures({
      date: '2026-11-23',
      calls: null,
      prankShare: null,
      open: 1234,
      overdue: 2,
      resolved: 7,
    });
    const value = (name: string) => header.el.querySelector(`[data-figure="${name}"]`)?.textContent;
    expect(value('calls')).toBe('—');
    expect(value('prank')).toBe('—');
    expect(value('open')).toBe('1.234');
    expect(value('overdue')).toBe('2');
    expect(header.el.querySelector('.figure--overdue')?.classList.contains('figure--alarm')).toBe(true);
    expect(header.el.querySelector('h1')?.textContent).toBe('Sigap 112 — Papan Pantau · Kabupaten Sidoarjo');
    header.setFigures({ date: '2026-11-23', calls: 250, prankShare: 0.81, open: 3, overdue: 0, resolved: 7 });
    expect(value('calls')).toBe('250');
    expect(value('prank')).toMatch(/^81\s?%$/);
    header.el.querySelector<HTMLButtonElement>('.switch--sound')!.click();
    header.el.querySelector<HTMLButtonElement>('.switch--lang')!.click();
    expect(clicks).toEqual(['sound', 'lang']);
    header.setSound(true);
    expect(header.el.querySelector('.switch--sound')?.getAttribute('aria-pressed')).toBe('true');
    header.tick(Date.parse('2026-11-23T03:42:05Z'));
    expect(header.el.querySelector('[data-testid="clock"]')?.textContent).toBe('10:42:05');
  });
});
