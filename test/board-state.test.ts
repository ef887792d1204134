/**
 * The wall-board's state, without a browser: the event reducer (snapshot + messages, dedupe by
 * seq), panel order, response-target countdowns, today's figures in the tenant's time zone,
 * row wording, the message catalogue, the URL-fragment configuration and the GeoJSON made for
 * the map. Sources: packages/map-board/src.
 */
import { booleanPointInPolygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { parseBasemap, parseFragment, resolveConfig, STORAGE } from '../packages/map-board/src/config.js';
import { I18n, translate } from '../packages/map-board/src/i18n/index.js';
import { catalogues, id as idCatalogue } from '../packages/map-board/src/i18n/messages.js';
import { FeatureSync } from '../packages/map-board/src/sources/feature-sync.js';
import {
  areaLabelPoints,
  areaNames,
  assignmentLines,
  boardBounds,
  incidentFeature,
} from '../packages/map-board/src/sources/features.js';
import { tokenFetch } from '../packages/map-board/src/sources/token.js';
import {
  countdown,
  formatRemaining,
  isOverdue,
  nextDeadline,
} from '../packages/map-board/src/state/countdown.js';
import { formatCount, formatShare, todayFigures } from '../packages/map-board/src/state/figures.js';
import { createState, type Targets } from '../packages/map-board/src/state/model.js';
import {
  applyMessage,
  applySnapshot,
  forgetResolvedBefore,
  isDirty,
  seedResolved,
  takeDirty,
} from '../packages/map-board/src/state/reducer.js';
import { clockModel, rowModel } from '../packages/map-board/src/state/rows.js';
import { compareIncidents, sortIncidents } from '../packages/map-board/src/state/sort.js';
import { addDays, localDate, todayRange } from '../packages/map-board/src/state/time.js';
import {
  assignment,
  callMessage,
  incident,
  incidentMessage,
  snapshot,
  T0,
  unit,
  unitMessage,
} from '../packages/map-board/test/fixtures.js';

const TARGETS: Targets = {
  P1: { acknowledgeS: 120, onSceneS: 900, resolveS: null },
  P2: { acknowledgeS: 600, onSceneS: 3600, resolveS: null },
  P3: { acknowledgeS: null, onSceneS: null, resolveS: 86_400 },
};
const WIB = 'Asia/Jakarta';

describe('reducer', () => {
  it('a snapshot replaces everything and keeps only active incidents', () => {
    const state = createState();
    state.incidents.set('old', incident({ id: 'old' }));
    const resolved = incident({ status: 'resolved', resolvedAt: new Date(T0).toISOString() });
    const open = incident();
    const u = unit();
    applySnapshot(state, snapshot(40, [open, resolved], [u]));
    expect([...state.incidents.keys()]).toEqual([open.id]);
    expect([...state.units.keys()]).toEqual([u.id]);
    expect(state.resolved.get(resolved.id)).toBe(resolved.resolvedAt);
    expect(state.seq).toBe(40);
    expect(takeDirty(state).reset).toBe(true);
    expect(isDirty(takeDirty(state))).toBe(false);
  });

  it('applies each seq once: duplicates and replays at or below the position are ignored', () => {
    const state = createState();
    applySnapshot(state, snapshot(10, []));
    takeDirty(state);
    const i = incident();
    expect(applyMessage(state, incidentMessage(11, 'incident.created', i))).toEqual([
      { kind: 'new', incident: { ...i, seq: 11 } },
    ]);
    expect(applyMessage(state, incidentMessage(11, 'incident.created', i))).toEqual([]);
    expect(
      applyMessage(state, incidentMessage(9, 'incident.status_changed', { ...i, status: 'cancelled' })),
    ).toEqual([]);
    expect(state.incidents.get(i.id)?.status).toBe('verified');
    expect(state.seq).toBe(11);
    expect([...takeDirty(state).incidents]).toEqual([i.id]);
  });

  it('never goes back to an older state of an incident', () => {
    const state = createState();
    const i = incident({ seq: 20, status: 'acknowledged' });
    applySnapshot(state, snapshot(20, [i]));
    // A later message carrying an older incident state (its own seq is lower) changes nothing.
    const older = incidentMessage(21, 'incident.status_changed', { ...i, status: 'dispatched' });
    older.incident!.seq = 19;
    applyMessage(state, older);
    expect(state.incidents.get(i.id)?.status).toBe('acknowledged');
    expect(state.seq).toBe(21);
  });

  it('removes resolved and closed incidents, remembers when they were resolved, and brings back reopened ones', () => {
    const state = createState();
    const i = incident();
    applySnapshot(state, snapshot(1, [i]));
    const resolvedAt = new Date(T0 + 600_000).toISOString();
    applyMessage(
      state,
      incidentMessage(2, 'incident.status_changed', { ...i, status: 'resolved', resolvedAt }),
    );
    expect(state.incidents.has(i.id)).toBe(false);
    expect(state.resolved.get(i.id)).toBe(resolvedAt);
    const effects = applyMessage(
      state,
      incidentMessage(3, 'incident.reopened', { ...i, status: 'verified' }),
    );
    expect(effects.map((e) => e.kind)).toEqual(['new']);
    expect(state.incidents.has(i.id)).toBe(true);
    expect(state.resolved.has(i.id)).toBe(false);
  });

  it('announces an incident raised to P1', () => {
    const state = createState();
    const i = incident({ priority: 'P2' });
    applySnapshot(state, snapshot(1, [i]));
    const effects = applyMessage(
      state,
      incidentMessage(2, 'incident.priority_changed', { ...i, priority: 'P1' }),
    );
    expect(effects.map((e) => e.kind)).toEqual(['escalated']);
    expect(
      applyMessage(state, incidentMessage(3, 'incident.status_changed', { ...i, priority: 'P1' })),
    ).toEqual([]);
  });

  it('moves units and notes calls', () => {
    const state = createState();
    const u = unit();
    applySnapshot(state, snapshot(1, [], [u]));
    takeDirty(state);
    applyMessage(state, unitMessage(2, { ...u, location: { lon: 112.8, lat: -7.5 }, status: 'busy' }));
    applyMessage(state, callMessage(3, 'c1'));
    expect(state.units.get(u.id)?.status).toBe('busy');
    const dirty = takeDirty(state);
    expect([...dirty.units]).toEqual([u.id]);
    expect(dirty.calls).toBe(true);
  });

  it('seeds incidents resolved before the board started, without overriding what the stream says', () => {
    const state = createState();
    const live = incident();
    applySnapshot(state, snapshot(1, [live]));
    const earlier = incident({ status: 'closed', resolvedAt: new Date(T0 - 3600_000).toISOString() });
    seedResolved(state, [earlier, { ...live, resolvedAt: new Date(T0).toISOString() }, incident()]);
    expect([...state.resolved.keys()]).toEqual([earlier.id]);
    forgetResolvedBefore(state, T0 - 3600_000);
    expect(state.resolved.size).toBe(1);
    forgetResolvedBefore(state, T0);
    expect(state.resolved.size).toBe(0);
  });
});

describe('panel order', () => {
  it('sorts by priority, then age (oldest first), then number', () => {
    const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
    const p3old = incident({ priority: 'P3', createdAt: at(-100) });
    const p1new = incident({ priority: 'P1', createdAt: at(5) });
    const p1old = incident({ priority: 'P1', createdAt: at(1) });
    const p2 = incident({ priority: 'P2', createdAt: at(0) });
    const p1same = incident({ priority: 'P1', createdAt: at(1) });
    const sorted = sortIncidents([p3old, p1new, p2, p1same, p1old]);
    expect(sorted.map((i) => i.id)).toEqual([p1old.id, p1same.id, p1new.id, p2.id, p3old.id]);
    expect([p3old, p1new, p2, p1same, p1old].sort(compareIncidents)).toEqual(sorted);
  });
});

describe('countdowns', () => {
  it('counts the tenant’s target from the report while nothing is dispatched', () => {
    const i = incident({ priority: 'P1', status: 'received' });
    expect(nextDeadline(i, TARGETS)).toEqual({ kind: 'dispatch', dueAt: T0 + 120_000 });
    expect(countdown(i, T0 + 30_000, TARGETS)).toMatchObject({ remainingMs: 90_000, breached: false });
    expect(countdown(i, T0 + 130_000, TARGETS)).toMatchObject({ remainingMs: -10_000, breached: true });
    expect(nextDeadline(i, null)).toBeNull();
  });

  it('follows each assignment’s next unmet target, the earliest of all', () => {
    const a1 = assignment(); // acknowledge due T0+3 min
    const i = incident({ status: 'dispatched', assignments: [a1] });
    expect(nextDeadline(i, TARGETS)).toEqual({ kind: 'acknowledge', dueAt: T0 + 180_000 });
    const acked = {
      ...a1,
      status: 'acknowledged' as const,
      acknowledgedAt: new Date(T0 + 100_000).toISOString(),
    };
    const later = assignment({
      due: { acknowledge: new Date(T0 + 20 * 60_000).toISOString(), onScene: null, resolve: null },
    });
    const i2 = incident({ status: 'acknowledged', assignments: [acked, later] });
    expect(nextDeadline(i2, TARGETS)).toEqual({ kind: 'onScene', dueAt: T0 + 16 * 60_000 });
    const declined = { ...a1, status: 'declined' as const };
    expect(nextDeadline(incident({ assignments: [declined] }), TARGETS)?.kind).toBe('dispatch');
  });

  it('uses the answer-to-reporter deadline of P3 reports', () => {
    const answerDueAt = new Date(T0 + 86_400_000).toISOString();
    const i = incident({ priority: 'P3', answerDueAt });
    expect(nextDeadline(i, TARGETS)).toEqual({ kind: 'answer', dueAt: T0 + 86_400_000 });
  });

  it('is overdue when the server says so or a clock ran out', () => {
    const i = incident({ status: 'received' });
    expect(isOverdue(i, T0 + 60_000, TARGETS)).toBe(false);
    expect(isOverdue(i, T0 + 121_000, TARGETS)).toBe(true);
    expect(isOverdue(incident({ overdue: true, priority: 'P3' }), T0, TARGETS)).toBe(true);
  });

  it('formats mm:ss, h:mm:ss and a minus sign once breached', () => {
    expect(formatRemaining(125_000)).toBe('02:05');
    expect(formatRemaining(999)).toBe('00:00');
    expect(formatRemaining(-1)).toBe('\u221200:01');
    expect(formatRemaining(-61_000)).toBe('\u221201:01');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
    expect(formatRemaining(86_400_000)).toBe('24:00:00');
  });
});

describe('today’s figures', () => {
  it('uses the tenant’s day: 00:30 WIB is already tomorrow in UTC terms', () => {
    expect(localDate(Date.parse('2026-11-23T17:30:00Z'), WIB)).toBe('2026-11-24');
    expect(localDate(Date.parse('2026-11-23T16:59:59Z'), WIB)).toBe('2026-11-23');
    expect(localDate(Date.parse('2026-11-23T16:30:00Z'), 'Asia/Jayapura')).toBe('2026-11-24');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(todayRange(Date.parse('2026-11-23T17:30:00Z'), WIB)).toEqual({
      from: '2026-11-24',
      to: '2026-11-25',
    });
  });

  it('counts open, overdue and resolved-today incidents, and today’s calls from the summary', () => {
    const now = Date.parse('2026-11-23T10:00:00Z'); // 17:00 WIB
    const state = createState();
    const late = incident({ status: 'received', createdAt: new Date(now - 10 * 60_000).toISOString() });
    const fresh = incident({ status: 'received', createdAt: new Date(now - 10_000).toISOString() });
    const flagged = incident({ priority: 'P3', overdue: true });
    applySnapshot(state, snapshot(1, [late, fresh, flagged]));
    state.resolved.set('today', '2026-11-23T01:00:00Z'); // 08:00 WIB today
    state.resolved.set('yesterday', '2026-11-22T16:59:00Z'); // 23:59 WIB yesterday
    const calls = { date: '2026-11-23', total: 250, prankShare: 0.81 };
    expect(todayFigures(state, { now, timeZone: WIB, targets: TARGETS, calls })).toEqual({
      date: '2026-11-23',
      calls: 250,
      prankShare: 0.81,
      open: 3,
      overdue: 2,
      resolved: 1,
    });
    // Yesterday's call figures after midnight, or none at all: unknown, shown as "—".
    const nextDay = todayFigures(state, { now: now + 86_400_000, timeZone: WIB, targets: TARGETS, calls });
    expect(nextDay).toMatchObject({ calls: null, prankShare: null, resolved: 0 });
    expect(todayFigures(state, { now, timeZone: WIB })).toMatchObject({ calls: null, overdue: 1 });
  });

  it('formats figures, "—" when unknown', () => {
    expect(formatShare(0.8125, 'id-ID')).toMatch(/^81\s?%$/);
    expect(formatShare(null, 'id-ID')).toBe('—');
    expect(formatCount(1234, 'id-ID')).toBe('1.234');
    expect(formatCount(1234, 'en-GB')).toBe('1,234');
    expect(formatCount(null, 'en-GB')).toBe('—');
  });
});

describe('panel rows', () => {
  const lookups = {
    categoryLabel: (code: string) => ({ fire: 'Kebakaran' })[code] ?? code,
    areaName: (code: string) => ({ '35.15.01': 'Sidoarjo' })[code],
    targets: TARGETS,
  };

  it('says category, kecamatan, agencies and status in the board’s language', () => {
    const i18n = new I18n('id');
    const i = incident({
      status: 'acknowledged',
      assignments: [
        assignment({ status: 'acknowledged' }),
        assignment({ status: 'en_route' }),
        assignment({ agencyCode: 'PSC119-SDA', status: 'declined' }),
      ],
    });
    expect(rowModel(i, i18n, lookups)).toMatchObject({
      category: 'Kebakaran',
      area: 'Sidoarjo',
      agencies: 'DAMKAR-SDA',
      status: 'Dikonfirmasi',
    });
    const bare = incident({
      category: 'new_code',
      location: { ...i.location, kecamatanCode: null, outsideJurisdiction: true },
    });
    expect(rowModel(bare, i18n, lookups)).toMatchObject({
      category: 'new_code',
      area: 'Luar wilayah',
      agencies: 'Belum ada instansi',
    });
    expect(rowModel(bare, new I18n('en'), lookups)).toMatchObject({
      area: 'Outside the regency',
      agencies: 'No agency yet',
    });
  });

  it('keeps a description as the characters it is (the panel writes it with textContent)', () => {
    const i = incident({ description: '<img src=x onerror=alert(1)>\n  <script>x()</script>' });
    expect(rowModel(i, new I18n('id'), lookups).description).toBe(
      '<img src=x onerror=alert(1)> <script>x()</script>',
    );
  });

  it('shows the countdown, and LEWAT once breached', () => {
    const i18n = new I18n('id');
    const i = incident({ status: 'received', createdAt: new Date(T0).toISOString() });
    expect(clockModel(i, T0 + 45_000, i18n, TARGETS)).toEqual({
      text: '01:15',
      target: 'kirim',
      breached: false,
    });
    expect(clockModel(i, T0 + 125_000, i18n, TARGETS)).toEqual({
      text: '\u221200:05',
      target: 'LEWAT · kirim',
      breached: true,
    });
  });
});

describe('messages', () => {
  it('has every message in both languages, none empty', () => {
    const keys = Object.keys(idCatalogue);
    for (const catalogue of Object.values(catalogues)) {
      expect(Object.keys(catalogue).sort()).toEqual([...keys].sort());
      for (const key of keys) expect(catalogue[key as keyof typeof idCatalogue].trim()).not.toBe('');
    }
  });

  it('fills placeholders as plain text', () => {
    expect(translate('en', 'panel.more', { n: 12 })).toBe('+12 more incidents');
    expect(translate('id', 'panel.more', { n: '<b>' })).toBe('+<b> kejadian lainnya');
    expect(translate('id', 'live.reconnecting')).toBe('TIDAK LIVE — menyambung ulang…');
    expect(translate('en', 'live.reconnecting')).toBe('NOT LIVE — reconnecting…');
  });

  it('shows times in the tenant’s zone', () => {
    const i18n = new I18n('id', 'Asia/Makassar');
    expect(i18n.time(Date.parse('2026-11-23T03:42:05Z'))).toBe('11:42:05');
  });
});

describe('configuration from the URL fragment', () => {
  const store = () => {
    const m = new Map<string, string>();
    return {
      m,
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
  };

  it('keeps the key in session storage and out of the address bar', () => {
    const session = store();
    const local = store();
    const { config, cleanHash } = resolveConfig('#key=sgp_abcdefgh12345678&lang=en&sound=1', session, local);
    expect(config).toMatchObject({
      key: 'sgp_abcdefgh12345678',
      token: null,
      lang: 'en',
      sound: true,
      follow: true,
    });
    expect(cleanHash).toBe('#lang=en&sound=1');
    expect(session.m.get(STORAGE.key)).toBe('sgp_abcdefgh12345678');
    // Reloaded without the fragment: the key is still there for this tab.
    expect(resolveConfig('', session, local).config.key).toBe('sgp_abcdefgh12345678');
  });

  it('takes a live token instead, and ignores malformed secrets', () => {
    const session = store();
    const { config, cleanHash } = resolveConfig('#token=slt_abcdefghijkl', session, store());
    expect(config).toMatchObject({ key: null, token: 'slt_abcdefghijkl' });
    expect(cleanHash).toBe('');
    expect(resolveConfig('#key=<script>', store(), store()).config.key).toBeNull();
  });

  it('reads a basemap: raster XYZ, style or PMTiles', () => {
    expect(parseBasemap('raster:/tiles/{z}/{x}/{y}.png')).toEqual({
      type: 'raster',
      url: '/tiles/{z}/{x}/{y}.png',
      tileSize: 256,
      attribution: '',
    });
    expect(parseBasemap('style:/styles/dark.json')).toEqual({ type: 'style', url: '/styles/dark.json' });
    expect(parseBasemap('pmtiles:/t/sda.pmtiles')?.type).toBe('pmtiles');
    expect(parseBasemap('javascript:alert(1)')).toBeNull();
    const local = store();
    resolveConfig(
      `#${new URLSearchParams({ basemap: 'pmtiles:/t/sda.pmtiles', follow: '0' })}`,
      store(),
      local,
    );
    expect(resolveConfig('', store(), local).config).toMatchObject({
      basemap: { type: 'pmtiles', url: '/t/sda.pmtiles' },
      follow: false,
    });
    expect(resolveConfig('#basemap=none', store(), local).config.basemap).toBeNull();
    expect(parseFragment('a=1&b=%7Bz%7D')).toEqual({ a: '1', b: '{z}' });
  });

  it('hands the live token to the SDK when opened with a token', async () => {
    const passed: string[] = [];
    const fetch = tokenFetch('slt_abcdefghijkl', async (url) => {
      passed.push(url);
      return new Response('{}');
    });
    const res = await fetch('http://board.test/v1/live/tokens', {
      method: 'POST',
      headers: {},
      signal: new AbortController().signal,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      token: 'slt_abcdefghijkl',
      url: '/v1/live?token=slt_abcdefghijkl',
    });
    await fetch('http://board.test/v1/tenant', {
      method: 'GET',
      headers: {},
      signal: new AbortController().signal,
    });
    expect(passed).toEqual(['http://board.test/v1/tenant']);
  });
});

describe('map data', () => {
  const square = (code: string, name: string, x: number) => ({
    type: 'Feature' as const,
    properties: { code, name },
    geometry: {
      type: 'Polygon' as const,
      coordinates: [
        [
          [x, 0],
          [x + 1, 0],
          [x + 1, 1],
          [x, 1],
          [x, 0],
        ],
      ],
    },
  });
  // A U-shaped kecamatan: its centroid lies outside it.
  const crescent = {
    type: 'Feature' as const,
    properties: { code: '35.15.99', name: 'Lengkung' },
    geometry: {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [2, 3],
          [2, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    },
  };

  it('puts each kecamatan’s label inside it and names areas by code', () => {
    const areas = {
      type: 'FeatureCollection' as const,
      features: [square('35.15.01', 'Sidoarjo', 10), crescent],
    };
    const labels = areaLabelPoints(areas);
    expect(labels.features.map((f) => f.properties.name)).toEqual(['Sidoarjo', 'Lengkung']);
    for (const [i, f] of labels.features.entries()) {
      expect(booleanPointInPolygon(f, areas.features[i]!)).toBe(true);
    }
    expect(areaNames(areas).get('35.15.99')).toBe('Lengkung');
  });

  it('frames the board on the tenant’s extent, else its areas, else what is on it', () => {
    const areas = {
      type: 'FeatureCollection' as const,
      features: [square('a', 'A', 10), square('b', 'B', 12)],
    };
    expect(boardBounds([112.5, -7.6, 112.9, -7.3], areas, [])).toEqual([112.5, -7.6, 112.9, -7.3]);
    expect(boardBounds(null, areas, [])).toEqual([10, 0, 13, 1]);
    const points = [incidentFeature(incident())!];
    expect(boardBounds(null, null, points)).toEqual([112.7205, -7.4478, 112.7205, -7.4478]);
    expect(boardBounds(null, null, [])).toBeNull();
  });

  it('makes features with the incident’s id, and lines from assigned units only', () => {
    const u = unit();
    const i = incident({
      assignments: [
        assignment({ unitId: u.id, status: 'en_route' }),
        assignment({ unitId: 'gone' }),
        assignment({ unitId: u.id, status: 'resolved' }),
      ],
    });
    const f = incidentFeature(i)!;
    expect(f.id).toBe(i.id);
    expect(f.properties).toEqual({
      id: i.id,
      number: i.number,
      priority: 'P1',
      category: 'fire',
      status: 'verified',
    });
    expect(incidentFeature(incident({ location: { ...i.location, point: null } }))).toBeNull();
    const lines = assignmentLines([i], new Map([[u.id, u]]));
    expect(lines.features).toHaveLength(1);
    expect(lines.features[0]!.geometry.coordinates).toEqual([
      [u.location.lon, u.location.lat],
      [112.7205, -7.4478],
    ]);
    expect(lines.features[0]!.properties.status).toBe('en_route');
  });
});

describe('feeding a map source', () => {
  type Call = { kind: 'set' | 'update'; arg: unknown; done: () => void };
  const fakeSource = () => {
    const calls: Call[] = [];
    const call = (kind: Call['kind']) => (arg: unknown) =>
      new Promise<void>((done) => {
        calls.push({ kind, arg, done });
      });
    return { calls, source: { setData: call('set'), updateData: call('update') } };
  };
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('sends a reset whole, then diffs, one at a time, merging what changed meanwhile', async () => {
    const state = createState();
    const a = incident();
    const b = incident();
    const c = incident({ location: { ...a.location, point: null } });
    applySnapshot(state, snapshot(1, [a, b, c]));
    const { calls, source } = fakeSource();
    const sync = new FeatureSync(source, {
      feature: (id) => {
        const i = state.incidents.get(id);
        return i ? incidentFeature(i) : null;
      },
      ids: () => state.incidents.keys(),
    });
    sync.mark(true, []);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.kind).toBe('set');
    expect((calls[0]!.arg as GeoJSON.FeatureCollection).features.map((f) => f.id)).toEqual([a.id, b.id]);

    // While the reset is in flight: a changes, b goes, d arrives. Nothing is sent yet.
    applyMessage(state, incidentMessage(2, 'incident.status_changed', { ...a, status: 'dispatched' }));
    applyMessage(state, incidentMessage(3, 'incident.status_changed', { ...b, status: 'closed' }));
    const d = incident();
    applyMessage(state, incidentMessage(4, 'incident.created', d));
    sync.mark(false, takeDirty(state).incidents);
    expect(calls).toHaveLength(1);
    expect(sync.settled).toBe(false);

    calls[0]!.done();
    await flush();
    expect(calls).toHaveLength(2);
    const diff = calls[1]!.arg as { add: GeoJSON.Feature[]; update: { id: string }[]; remove: string[] };
    expect(calls[1]!.kind).toBe('update');
    expect(diff.update.map((u) => u.id)).toEqual([a.id]);
    expect(diff.remove).toEqual([b.id]);
    expect(diff.add.map((f) => f.id)).toEqual([d.id]);
    calls[1]!.done();
    await flush();
    expect(sync.settled).toBe(true);
    expect(sync.sent).toBe(2);
  });

  it('waits its minimum interval between updates', async () => {
    const state = createState();
    const a = incident();
    applySnapshot(state, snapshot(1, [a]));
    const { calls, source } = fakeSource();
    let now = 1_000;
    const timers: (() => void)[] = [];
    const sync = new FeatureSync(source, {
      feature: (id) => {
        const i = state.incidents.get(id);
        return i ? incidentFeature(i) : null;
      },
      ids: () => state.incidents.keys(),
      minIntervalMs: 250,
      now: () => now,
      setTimeout: (fn) => timers.push(fn),
    });
    sync.mark(true, []);
    calls[0]!.done();
    await flush();
    sync.mark(false, [a.id]);
    expect(calls).toHaveLength(1);
    expect(timers).toHaveLength(1);
    now += 250;
    timers[0]!();
    expect(calls).toHaveLength(2);
  });
});
