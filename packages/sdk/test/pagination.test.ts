import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { NotFoundError, Page, PagePromise, SigapError } from '../src/index.js';
import { BASE, errorBody, fastTransport, recorder, useServer } from './helpers.js';

const server = useServer();

interface Unit {
  id: string;
}

const PAGES: Record<string, { items: Unit[]; nextCursor: string | null }> = {
  first: { items: [{ id: 'u1' }, { id: 'u2' }], nextCursor: 'c2' },
  c2: { items: [{ id: 'u3' }, { id: 'u4' }], nextCursor: 'c3' },
  c3: { items: [{ id: 'u5' }], nextCursor: null },
};

function serveUnits(pages = PAGES) {
  const { seen, record } = recorder();
  server.use(
    http.get(`${BASE}/v1/units`, async ({ request }) => {
      const { url } = await record(request);
      const page = pages[url.searchParams.get('cursor') ?? 'first'];
      if (!page) return HttpResponse.json(errorBody('SIGAP_ERR_NOT_FOUND'), { status: 404 });
      return HttpResponse.json(page);
    }),
  );
  return seen;
}

describe('pagination', () => {
  it('for await iterates every item across 3 pages, keeping the query', async () => {
    const seen = serveUnits();
    const { transport } = fastTransport();
    const ids: string[] = [];
    for await (const unit of transport.list<Unit>('/v1/units', { status: 'available' })) ids.push(unit.id);
    expect(ids).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(seen.map((r) => r.url.searchParams.get('cursor'))).toEqual([null, 'c2', 'c3']);
    expect(seen.map((r) => r.url.searchParams.get('status'))).toEqual([
      'available',
      'available',
      'available',
    ]);
  });

  it('await gives the first page only; getNextPage and iterPages walk on', async () => {
    const seen = serveUnits();
    const { transport } = fastTransport();
    const first = await transport.list<Unit>('/v1/units');
    expect(first).toBeInstanceOf(Page);
    expect(first.items.map((u) => u.id)).toEqual(['u1', 'u2']);
    expect(first.hasNextPage()).toBe(true);
    expect(seen).toHaveLength(1);

    const second = await first.getNextPage();
    expect(second.items.map((u) => u.id)).toEqual(['u3', 'u4']);
    expect(second.cursor).toBe('c2');

    const sizes: number[] = [];
    for await (const page of first.iterPages()) sizes.push(page.items.length);
    expect(sizes).toEqual([2, 2, 1]);
    const last = await second.getNextPage();
    expect(last.hasNextPage()).toBe(false);
    await expect(last.getNextPage()).rejects.toMatchObject({ code: 'SIGAP_ERR_NO_NEXT_PAGE' });
  });

  it('is lazy, fetches the first page once, and stops fetching when the loop breaks', async () => {
    const seen = serveUnits();
    const { transport } = fastTransport();
    const list = transport.list<Unit>('/v1/units');
    expect(list).toBeInstanceOf(PagePromise);
    expect(seen).toHaveLength(0);
    const [a, b] = await Promise.all([list, list]);
    expect(a).toBe(b);
    expect(seen).toHaveLength(1);
    for await (const unit of list) {
      expect(unit.id).toBe('u1');
      break;
    }
    expect(seen).toHaveLength(1);
  });

  it('a failing later page rejects the loop with the typed error', async () => {
    serveUnits({ ...PAGES, c2: { items: [{ id: 'u3' }], nextCursor: 'gone' } });
    const { transport } = fastTransport();
    const ids: string[] = [];
    const err = await (async () => {
      for await (const unit of transport.list<Unit>('/v1/units')) ids.push(unit.id);
    })().catch((e: unknown) => e);
    expect(ids).toEqual(['u1', 'u2', 'u3']);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  it('refuses a server that returns the same cursor again (no endless loop) or a malformed page', async () => {
    serveUnits({ ...PAGES, c2: { items: [{ id: 'u3' }], nextCursor: 'c2' } });
    const { transport } = fastTransport();
    const loop = async () => {
      for await (const _ of transport.list<Unit>('/v1/units')) {
        // drain
      }
    };
    await expect(loop()).rejects.toMatchObject({ code: 'SIGAP_ERR_INVALID_RESPONSE' });

    server.use(http.get(`${BASE}/v1/units`, () => HttpResponse.json({ data: [] })));
    const err = await transport.list<Unit>('/v1/units').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigapError);
    expect(err).toMatchObject({ code: 'SIGAP_ERR_INVALID_RESPONSE' });
  });
});
