import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { Admission, classify } from '../src/plugins/admission.js';

/** Settles promise callbacks without waiting on timers. */
const settle = () => new Promise((r) => setImmediate(r));

describe('work classes', () => {
  it('classifies intake, reports, look-ups, other writes and reads; a route may say its own', () => {
    expect(classify('POST', '/v1/incidents')).toBe('intake');
    expect(classify('POST', '/v1/calls')).toBe('intake');
    expect(classify('POST', '/v1/incidents/:id/transitions')).toBe('operations');
    expect(classify('GET', '/v1/incidents')).toBe('read');
    expect(classify('GET', '/v1/reports/summary')).toBe('report');
    expect(classify('GET', '/v1/geocode/search')).toBe('lookup');
    expect(classify('GET', '/v1/incidents', 'report')).toBe('report');
  });
});

describe('admission', () => {
  it('gives a freed slot to the most urgent waiter, then first come first served', async () => {
    const a = new Admission(4); // one slot kept for intake
    const held = await Promise.all([a.acquire('read'), a.acquire('read'), a.acquire('operations')]);
    expect(a.stats().busy).toBe(3);
    // The fourth slot is intake's reserve: a report waits, an intake call takes it.
    const order: string[] = [];
    const mark = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const report = a.acquire('report').then(mark('report'));
    const intake = await a.acquire('intake');
    await settle();
    expect(order).toEqual([]);
    const read = a.acquire('read').then(mark('read'));
    const intake2 = a.acquire('intake').then(mark('intake'));
    expect(a.stats().waitingBy).toMatchObject({ intake: 1, read: 1, report: 1 });
    held[0]!(); // one slot frees: the waiting intake goes first
    await settle();
    expect(order).toEqual(['intake']);
    held[1]!(); // busy 3 of 4, two of them intake: the last slot stays intake's reserve
    await settle();
    expect(order).toEqual(['intake']);
    intake();
    await settle();
    expect(order).toEqual(['intake', 'read']); // the read before the report
    held[2]!();
    await settle();
    expect(order).toEqual(['intake', 'read', 'report']);
    for (const r of await Promise.all([report, read, intake2])) r();
    expect(a.stats().busy).toBe(0);
  });

  it('keeps each class within its share, so reports never take the whole server', async () => {
    const a = new Admission(8);
    const reports = [await a.acquire('report'), await a.acquire('report')]; // share 1/4 of 8
    let third = false;
    const pending = a.acquire('report').then((r) => {
      third = true;
      return r;
    });
    await settle();
    expect(third).toBe(false);
    // Reads and intake are not held up by the reports' queue.
    const read = await a.acquire('read');
    const intake = await a.acquire('intake');
    reports[0]!();
    await settle();
    expect(third).toBe(true);
    for (const r of [reports[1]!, await pending, read, intake]) r();
  });

  it('answers 503 with Retry-After when a class waited too long or its queue is full', async () => {
    const a = new Admission(1);
    const release = await a.acquire('intake');
    const waited = await a.acquire('lookup').catch((e: unknown) => e);
    expect(waited).toBeInstanceOf(ApiError);
    expect(waited).toMatchObject({ code: 'SIGAP_ERR_UNAVAILABLE' });
    expect((waited as ApiError).extra.retryAfterSeconds).toBeGreaterThan(0);
    expect(a.stats().shedBy.lookup).toBe(1);
    release();
  }, 30_000);

  it('sheds only the classes that give way under pressure; intake and operations still queue', () => {
    const a = new Admission(4);
    for (const c of ['report', 'lookup', 'snapshot', 'read'] as const)
      expect(() => a.shedForPressure(c, 'eventLoopDelay')).toThrow(ApiError);
    expect(() => a.shedForPressure('intake', 'eventLoopDelay')).not.toThrow();
    expect(() => a.shedForPressure('operations', 'eventLoopDelay')).not.toThrow();
  });

  it('releases a slot once, however often release is called', async () => {
    const a = new Admission(2);
    const r = await a.acquire('intake');
    r();
    r();
    expect(a.stats().busy).toBe(0);
  });
});
