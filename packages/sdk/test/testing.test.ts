/**
 * `@sigap/sdk/testing` used as a regency app would: the SDK against the msw mock, including
 * `track` over the mock's WebSocket, a dropped connection in the middle, and polling.
 * (test/testing-parity.test.ts at the repo root runs one scenario against mock and server.)
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  ConflictError,
  type CreateIncidentBody,
  createClient,
  type IncidentStatus,
  type IncidentTracker,
  ValidationError,
} from '../src/index.js';
import { createSigapMock } from '../src/testing/index.js';

const mock = createSigapMock({ baseUrl: 'http://sigap.test', apiKey: 'sk_test' });

/** Generous for slow CI machines; passes as soon as the condition holds. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 10 });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
const trackers: IncidentTracker[] = [];
afterEach(() => {
  for (const t of trackers.splice(0)) t.close();
  vi.unstubAllGlobals();
});

const sigap = createClient({ baseUrl: 'http://sigap.test', apiKey: 'sk_test', retries: 0 });
const report: CreateIncidentBody = {
  category: 'fire',
  description: 'Gudang terbakar',
  location: { point: { lon: 112.72, lat: -7.45 }, source: 'device_gps' },
  reporter: { phone: '081234567890' },
};

async function submit() {
  const result = await sigap.incidents.submit(report);
  if (result.queued) throw new Error('not expected offline');
  return result.incident;
}

describe('the msw mock of the Sigap API', () => {
  it('creates once per idempotency key, refuses a reused key with another body', async () => {
    const a = await sigap.incidents.submit(report, { idempotencyKey: 'same' });
    const b = await sigap.incidents.submit(report, { idempotencyKey: 'same' });
    expect(b).toMatchObject({ replayed: true });
    expect(!a.queued && !b.queued && b.incident.id === a.incident.id).toBe(true);
    await expect(
      sigap.incidents.submit({ ...report, description: 'lain' }, { idempotencyKey: 'same' }),
    ).rejects.toMatchObject({ status: 422, code: 'SIGAP_ERR_IDEMPOTENCY_MISMATCH' });
  });

  it('answers like the server: 400 with details, 401, 404, 409 with allowed', async () => {
    const bad = { ...report, location: { point: { lon: 200, lat: 0 } } };
    const error = await sigap.incidents.submit(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toContainEqual(
      expect.objectContaining({ path: '/body/location/point/lon', code: 'maximum' }),
    );
    const stranger = createClient({ baseUrl: 'http://sigap.test', apiKey: 'wrong', retries: 0 });
    await expect(stranger.incidents.list()).rejects.toBeInstanceOf(AuthError);
    await expect(sigap.incidents.get('nope')).rejects.toMatchObject({
      status: 404,
      code: 'SIGAP_ERR_NOT_FOUND',
    });
    const incident = await submit();
    const conflict = await sigap.incidents.transition(incident.id, { to: 'closed' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).allowed).toEqual(['cancelled', 'rejected']);
  });

  it('lists newest first with filters and cursors, and an incident’s events', async () => {
    const first = await submit();
    const second = await submit();
    const page = await sigap.incidents.list({ open: true, limit: 1 });
    expect(page.items.map((i) => i.id)).toEqual([second.id]);
    const next = await page.getNextPage();
    expect(next.items.map((i) => i.id)).toEqual([first.id]);
    const events = await sigap.incidents.events(first.id);
    expect(events.items.map((e) => e.type)).toEqual(['incident.created']);
  });

  it('tracks an incident over the mock WebSocket through dispatch and a dropped connection', async () => {
    const incident = await submit();
    const seen: { status: IncidentStatus; type: string | null }[] = [];
    const tracker = await sigap.incidents.track(incident.id, (i, message) =>
      seen.push({ status: i.status, type: message?.type ?? null }),
    );
    trackers.push(tracker);
    await eventually(() => expect(tracker.status).toBe('live'));
    const dispatched = await sigap.incidents.dispatch(incident.id, {
      assignments: [{ agencyId: crypto.randomUUID() }],
    });
    const assignment = dispatched.assignments[0]!;
    await eventually(() => expect(tracker.incident.status).toBe('dispatched'));

    mock.disconnect(1011); // the server drops everyone; the tracker resumes from its seq
    await sigap.assignments.transition(assignment.id, { to: 'acknowledged' });
    await eventually(() => expect(tracker.incident.status).toBe('acknowledged'));
    expect(seen).toEqual([
      { status: 'verified', type: null },
      { status: 'dispatched', type: 'assignment.created' },
      { status: 'dispatched', type: 'incident.status_changed' },
      { status: 'acknowledged', type: 'assignment.status_changed' },
      { status: 'acknowledged', type: 'incident.status_changed' },
    ]);
    const illegal = await sigap.assignments
      .transition(assignment.id, { to: 'dispatched' as 'acknowledged' })
      .catch((e) => e);
    expect(illegal).toMatchObject({ status: 409, allowed: ['en_route', 'on_scene', 'resolved', 'declined'] });
  });

  it('tracks by polling where there is no WebSocket', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const incident = await submit();
    const statuses: IncidentStatus[] = [];
    const tracker = await sigap.incidents.track(incident.id, (i) => statuses.push(i.status), {
      pollIntervalMs: 20,
    });
    trackers.push(tracker);
    await sigap.incidents.transition(incident.id, { to: 'cancelled', note: 'prank' });
    await eventually(() => expect(statuses).toEqual(['verified', 'cancelled']));
    expect(tracker.status).toBe('polling');
  });

  it('sends a snapshot without since, and keepalives on demand', async () => {
    await submit();
    const messages: string[] = [];
    const sub = sigap.live.subscribe(
      {},
      {
        onSnapshot: (s) => messages.push(`snapshot ${s.incidents.length > 0}`),
        onIncident: (i, m) => messages.push(`${m.type} ${i.status}`),
      },
    );
    await eventually(() => expect(messages).toEqual(['snapshot true']));
    mock.keepalive();
    await eventually(() => expect(sub.seq).toBe(mock.store.seq));
    sub.close();
    await eventually(() => expect(mock.connections).toBe(0));
  });
});
