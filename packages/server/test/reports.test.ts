import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';
import { buildHistory, RANGE } from './reports-fixture.js';

/** The summary report on a known history (see reports-fixture.ts): every figure, exactly. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
  await buildHistory(app, t, demo, other);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

async function summary(query: string, key = demo.keys.viewer) {
  const res = await app.inject({ url: `/v1/reports/summary?${query}`, headers: bearer(key) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const zeroOutcomes = {
  incident: 0,
  prank: 0,
  silent: 0,
  misdial: 0,
  info: 0,
  duplicate: 0,
  non_emergency: 0,
};

describe('calls', () => {
  it('counts calls by channel and outcome, with the nuisance and prank shares', async () => {
    const { calls, tenantId, timeZone, from, to, groupBy } = await summary(RANGE);
    expect({ tenantId, timeZone, from, to, groupBy }).toEqual({
      tenantId: '35.15',
      timeZone: 'Asia/Jakarta',
      from: '2026-03-01',
      to: '2026-03-04',
      groupBy: 'day',
    });
    // 11 calls: X1 (02-28 23:59) and X2 (03-04 00:00, `to` is exclusive) are outside.
    expect(calls).toMatchObject({
      total: 11,
      nuisance: 5,
      prank: 3,
      nuisanceShare: 0.4545,
      prankShare: 0.2727,
    });
    expect(calls.byOutcome).toEqual([
      { outcome: 'incident', count: 3, share: 0.2727 },
      { outcome: 'prank', count: 3, share: 0.2727 },
      { outcome: 'silent', count: 1, share: 0.0909 },
      { outcome: 'misdial', count: 1, share: 0.0909 },
      { outcome: 'info', count: 1, share: 0.0909 },
      { outcome: 'duplicate', count: 1, share: 0.0909 },
      { outcome: 'non_emergency', count: 1, share: 0.0909 },
    ]);
    const none = { nuisance: 0, prank: 0, nuisanceShare: null, prankShare: null };
    expect(calls.byChannel).toEqual([
      { channel: 'phone', total: 7, nuisance: 4, prank: 3, nuisanceShare: 0.5714, prankShare: 0.4286 },
      { channel: 'app', total: 1, nuisance: 0, prank: 0, nuisanceShare: 0, prankShare: 0 },
      { channel: 'sms', total: 1, nuisance: 1, prank: 0, nuisanceShare: 1, prankShare: 0 },
      { channel: 'web', total: 1, nuisance: 0, prank: 0, nuisanceShare: 0, prankShare: 0 },
      { channel: 'radio', total: 0, ...none },
      { channel: 'walk_in', total: 1, nuisance: 0, prank: 0, nuisanceShare: 0, prankShare: 0 },
    ]);
  });

  it('cuts days at local midnight: 23:59 WIB (16:59Z) and 00:01 WIB (17:01Z) fall on different days', async () => {
    const { calls } = await summary(RANGE);
    expect(calls.periods.map((p: { period: string; total: number }) => [p.period, p.total])).toEqual([
      ['2026-03-01', 4],
      ['2026-03-02', 5],
      ['2026-03-03', 2],
    ]);
    const [first, second, third] = calls.periods;
    expect(first).toEqual({
      period: '2026-03-01',
      total: 4,
      nuisance: 2,
      prank: 1,
      nuisanceShare: 0.5,
      prankShare: 0.25,
      outcomes: { ...zeroOutcomes, incident: 2, silent: 1, prank: 1 },
      channels: [
        {
          channel: 'phone',
          total: 2,
          nuisance: 1,
          prank: 1,
          nuisanceShare: 0.5,
          prankShare: 0.5,
          outcomes: { ...zeroOutcomes, incident: 1, prank: 1 },
        },
        {
          channel: 'app',
          total: 1,
          nuisance: 0,
          prank: 0,
          nuisanceShare: 0,
          prankShare: 0,
          outcomes: { ...zeroOutcomes, incident: 1 },
        },
        {
          channel: 'sms',
          total: 1,
          nuisance: 1,
          prank: 0,
          nuisanceShare: 1,
          prankShare: 0,
          outcomes: { ...zeroOutcomes, silent: 1 },
        },
      ],
    });
    expect(second).toMatchObject({ total: 5, nuisance: 2, prank: 1, nuisanceShare: 0.4, prankShare: 0.2 });
    expect(second.outcomes).toEqual({
      ...zeroOutcomes,
      prank: 1,
      misdial: 1,
      incident: 1,
      info: 1,
      duplicate: 1,
    });
    expect(third).toMatchObject({ total: 2, nuisance: 1, prank: 1, nuisanceShare: 0.5, prankShare: 0.5 });
  });

  it('groups by ISO week (Monday) and by month, and lists empty periods with zeros', async () => {
    const weeks = await summary(`${RANGE}&groupBy=week`);
    // 2026-03-01 is a Sunday: it belongs to the week of Monday 23 February.
    expect(weeks.calls.periods.map((p: { period: string; total: number }) => [p.period, p.total])).toEqual([
      ['2026-02-23', 4],
      ['2026-03-02', 7],
    ]);
    expect(weeks.incidents.periods).toEqual([
      { period: '2026-02-23', count: 2 },
      { period: '2026-03-02', count: 3 },
    ]);
    const months = await summary(`${RANGE}&groupBy=month`);
    expect(months.calls.periods.map((p: { total: number }) => p.total)).toEqual([11]);
    const empty = await summary('from=2026-04-01&to=2026-04-03');
    expect(empty.calls.periods).toEqual(
      ['2026-04-01', '2026-04-02'].map((period) => ({
        period,
        total: 0,
        nuisance: 0,
        prank: 0,
        nuisanceShare: null,
        prankShare: null,
        outcomes: zeroOutcomes,
        channels: [],
      })),
    );
    expect(empty.calls).toMatchObject({ total: 0, nuisanceShare: null, prankShare: null });
    expect(empty.incidents.total).toBe(0);
    expect(empty.handling.answerToIncident).toEqual({
      count: 0,
      medianS: null,
      p90S: null,
      within60sShare: null,
    });
  });
});

describe('incidents', () => {
  it('counts the range’s incidents by period, category, priority, kecamatan and agency', async () => {
    const { incidents } = await summary(RANGE);
    expect(incidents).toEqual({
      total: 5,
      excluded: { merged: 1, rejected: 1 },
      reopened: 1,
      // I4 at 23:59:30 WIB (16:59:30Z) is on 03-02; I5 at 00:00:30 WIB (17:00:30Z the day before) on 03-03.
      periods: [
        { period: '2026-03-01', count: 2 },
        { period: '2026-03-02', count: 2 },
        { period: '2026-03-03', count: 1 },
      ],
      byCategory: [
        { category: 'fire', label: 'Kebakaran', count: 2 },
        { category: 'power_outage', label: 'Gangguan listrik', count: 1 },
        { category: 'street_light', label: 'PJU mati', count: 1 },
        { category: 'traffic_accident', label: 'Kecelakaan lalu lintas', count: 1 },
      ],
      byPriority: [
        { priority: 'P1', count: 3 },
        { priority: 'P2', count: 0 },
        { priority: 'P3', count: 2 },
      ],
      byKecamatan: [
        { code: '35.15.08', name: 'Sidoarjo', count: 2 },
        { code: null, name: null, count: 2 },
        { code: '35.15.13', name: 'Taman', count: 1 },
      ],
      byAgency: [
        { agencyId: demo.agencies['DAMKAR-SDA'], code: 'DAMKAR-SDA', name: expect.any(String), count: 2 },
        { agencyId: demo.agencies['DISHUB-SDA'], code: 'DISHUB-SDA', name: expect.any(String), count: 1 },
        { agencyId: demo.agencies['PLN-SDA'], code: 'PLN-SDA', name: 'PLN UP3 Sidoarjo', count: 1 },
        { agencyId: demo.agencies['POLRI-SDA'], code: 'POLRI-SDA', name: 'Polresta Sidoarjo', count: 1 },
        { agencyId: demo.agencies['PSC119-SDA'], code: 'PSC119-SDA', name: expect.any(String), count: 1 },
      ],
    });
  });
});

describe('call handling (NFPA 1225 processing interval)', () => {
  it('measures answer → incident and incident → first dispatch: median, p90 and share within 60 s', async () => {
    const { handling } = await summary(RANGE);
    // Answer → incident: I1 40 s, I2 120 s, I3 50 s (I4, I5 had no call).
    // p90 = 50 + 0.8 × (120 − 50) = 106 (linear interpolation, percentile_cont).
    expect(handling.answerToIncident).toEqual({ count: 3, medianS: 50, p90S: 106, within60sShare: 0.6667 });
    // Incident → dispatch: I1 30, I2 90, I3 60 (exactly 60 counts as within), I4 630, I5 30.
    // p90 = 90 + 0.6 × (630 − 90) = 414.
    expect(handling.incidentToDispatch).toEqual({ count: 5, medianS: 60, p90S: 414, within60sShare: 0.6 });
    expect(handling.periods).toEqual([
      {
        period: '2026-03-01',
        answerToIncident: { count: 2, medianS: 80, p90S: 112, within60sShare: 0.5 },
        incidentToDispatch: { count: 2, medianS: 60, p90S: 84, within60sShare: 0.5 },
      },
      {
        period: '2026-03-02',
        answerToIncident: { count: 1, medianS: 50, p90S: 50, within60sShare: 1 },
        incidentToDispatch: { count: 2, medianS: 345, p90S: 573, within60sShare: 0.5 },
      },
      {
        period: '2026-03-03',
        answerToIncident: { count: 0, medianS: null, p90S: null, within60sShare: null },
        incidentToDispatch: { count: 1, medianS: 30, p90S: 30, within60sShare: 1 },
      },
    ]);
  });
});

describe('answer → dispatch (one figure per incident)', () => {
  it('gives median, p90 and share within 60 s overall, per call taker, per shift and per hour', async () => {
    const { answerToDispatch } = await summary(RANGE);
    // Answer → incident plus incident → dispatch per incident: I1 40 + 30, I2 120 + 90,
    // I3 50 + 60, and from creation for I4 (630) and I5 (30), which had no call.
    // Sorted 30, 70, 110, 210, 630: median 110, p90 = 210 + 0.6 × (630 − 210) = 462.
    expect(answerToDispatch.overall).toEqual({ count: 5, medianS: 110, p90S: 462, within60sShare: 0.2 });
    const total = (groups: { stats: { count: number } }[]) => groups.reduce((n, g) => n + g.stats.count, 0);
    expect(total(answerToDispatch.byCallTaker)).toBe(5);
    expect(total(answerToDispatch.byShift)).toBe(5);
    expect(total(answerToDispatch.byHour)).toBe(5);
    for (const s of answerToDispatch.byShift) expect(['07-15', '15-23', '23-07']).toContain(s.shift);
    for (const h of answerToDispatch.byHour) {
      expect(h.hour).toBeGreaterThanOrEqual(0);
      expect(h.hour).toBeLessThanOrEqual(23);
    }
  });
});

describe('tenant isolation', () => {
  it('shows the neighbour only its own call and incident, and Sidoarjo none of them', async () => {
    const mine = await summary(RANGE, other.keys.admin);
    expect(mine.tenantId).toBe('35.78');
    expect(mine.calls).toMatchObject({ total: 1, prank: 1, prankShare: 1 });
    expect(mine.incidents).toMatchObject({ total: 1, byKecamatan: [{ code: null, name: null, count: 1 }] });
    expect(mine.agencies.map((a: { code: string }) => a.code)).toEqual(['DAMKAR-SBY']);
    expect(mine.agencies[0]).toMatchObject({ assigned: 0, compliance: null, rank: null });
    expect(mine.overdueHandoffs).toEqual([]);
    expect(JSON.stringify(mine)).not.toContain('SDA');
    // An empty period of the neighbour: zeros, not Sidoarjo's figures.
    const quiet = await summary('from=2026-03-03&to=2026-03-04', other.keys.viewer);
    expect(quiet.calls.total).toBe(0);
    expect(quiet.incidents.total).toBe(0);
  });
});
