/**
 * NOT PUBLIC API (`Page` and `PagePromise` are exported as types and for `instanceof`, but
 * build them through a resource's `list()`, not by hand).
 *
 * Cursor pagination after openai-node's `core/pagination.ts`: a list call returns a
 * `PagePromise` that can be awaited for the first page OR iterated with `for await` over
 * every item of every page, fetching the next page only when the previous one is used up.
 */
import { ClientErrorCode, SigapError } from '../errors.js';
import type { PageResponse } from './wire.js';

/** Fetches one page; `cursor` is `null` for the first. */
export type PageFetcher<T> = (cursor: string | null) => Promise<PageResponse<T>>;

async function fetchPage<T>(fetcher: PageFetcher<T>, cursor: string | null): Promise<Page<T>> {
  const data = await fetcher(cursor);
  if (
    !data ||
    !Array.isArray(data.items) ||
    (data.nextCursor !== null && typeof data.nextCursor !== 'string')
  ) {
    throw new SigapError('Expected a page `{ items, nextCursor }`', {
      code: ClientErrorCode.InvalidResponse,
    });
  }
  // A server bug that hands back the cursor it was given would make `for await` loop forever.
  if (cursor !== null && data.nextCursor === cursor) {
    throw new SigapError(`The server returned the same cursor twice (${cursor})`, {
      code: ClientErrorCode.InvalidResponse,
    });
  }
  return new Page(fetcher, data, cursor);
}

/** One page of a list, itself async-iterable over its items and all following pages. */
export class Page<T> implements AsyncIterable<T> {
  readonly items: T[];
  /** Pass to the list call as `cursor` to get the next page; `null` on the last page. */
  readonly nextCursor: string | null;
  /** The cursor this page was fetched with (`null` for the first page). */
  readonly cursor: string | null;
  private readonly fetcher: PageFetcher<T>;

  constructor(fetcher: PageFetcher<T>, data: PageResponse<T>, cursor: string | null) {
    this.fetcher = fetcher;
    this.items = data.items;
    this.nextCursor = data.nextCursor;
    this.cursor = cursor;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null;
  }

  /**
   * @example
   * let page = await client.transport.list<Unit>('/v1/units');
   * while (page.hasNextPage()) page = await page.getNextPage();
   */
  async getNextPage(): Promise<Page<T>> {
    if (this.nextCursor === null) {
      throw new SigapError('No next page: check hasNextPage() first', { code: 'SIGAP_ERR_NO_NEXT_PAGE' });
    }
    return fetchPage(this.fetcher, this.nextCursor);
  }

  /**
   * This page and every following one.
   *
   * @example
   * for await (const page of firstPage.iterPages()) render(page.items);
   */
  async *iterPages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.iterPages()) yield* page.items;
  }
}

/**
 * What a list call returns: a thenable for the first page and an async iterable over all
 * items. Lazy: nothing is fetched until it is awaited or iterated, so an unused list call
 * costs no request and cannot become an unhandled rejection.
 *
 * @example
 * const first = await client.transport.list<Incident>('/v1/incidents');   // one page
 * for await (const incident of client.transport.list<Incident>('/v1/incidents')) {
 *   console.log(incident.id);                                               // every page
 * }
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private readonly fetcher: PageFetcher<T>;
  private firstPage: Promise<Page<T>> | undefined;

  constructor(fetcher: PageFetcher<T>) {
    this.fetcher = fetcher;
  }

  private first(): Promise<Page<T>> {
    if (!this.firstPage) this.firstPage = fetchPage(this.fetcher, null);
    return this.firstPage;
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable is the point: `await client.x.list()`.
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.first().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.first().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.first().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.first();
  }

  get [Symbol.toStringTag](): string {
    return 'PagePromise';
  }
}
