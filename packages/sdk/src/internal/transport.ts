/**
 * NOT PUBLIC API (the `Transport` class is exported for resources and advanced callers, but
 * its options and internals may change between minor versions).
 *
 * One HTTP round trip to the Sigap API with everything a flaky regency network needs:
 * auth, JSON, per-attempt timeout, the caller's AbortSignal, typed errors, idempotency
 * keys, and retries with exponential backoff + full jitter that honour `Retry-After`.
 * It uses only `fetch`, `AbortController` and timers, so it runs unchanged in browsers,
 * Node >= 18, Deno, Bun and React Native.
 */
import { AbortError, APIError, ClientErrorCode, NetworkError, SigapError, TimeoutError } from '../errors.js';
import { PagePromise } from './pagination.js';
import { backoffMs, defaultSleep, isRetryable, type Sleep, uuidv4 } from './retry.js';
import { getHeader, type PageResponse, parseRetryAfterMs } from './wire.js';

/** The subset of `fetch` the SDK uses; any WHATWG-compatible implementation fits. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Response>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];
export type Query = Record<string, QueryValue>;

/** Per-call options, accepted as the last argument of every resource method. */
export interface RequestOptions {
  /** Overrides the generated idempotency key (e.g. one the app stored with a draft). */
  idempotencyKey?: string;
  /** Cancels the call, including any wait between retries. Aborting never retries. */
  signal?: AbortSignal;
  /** Per attempt, in ms. Default: the client's (15 000). */
  timeoutMs?: number;
  /** Retries after the first attempt. Default: the client's (3). */
  maxRetries?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface RequestParams extends RequestOptions {
  method: HttpMethod;
  /** Path under the base URL, e.g. `/v1/incidents`. */
  path: string;
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
}

export interface TransportOptions {
  /** e.g. `https://sigap.sidoarjokab.go.id` or `http://127.0.0.1:3112`; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Default: `globalThis.fetch`, looked up at call time (so polyfills and mocks installed later count). */
  fetch?: FetchLike;
  /** Per attempt. Default 15 000 ms. */
  timeoutMs?: number;
  /** At least this many retries of a retryable failure (exactly, per call or when 0). Default 3. */
  maxRetries?: number;
  /**
   * After `maxRetries`, keep retrying until this long has passed since the first attempt, so
   * a server restart (up to ~15 s) never makes a write give up. Default 30 000 ms.
   */
  retryWindowMs?: number;
  /** Backoff base. Default 500 ms. */
  retryBaseMs?: number;
  /** Backoff cap, and the longest `Retry-After` the SDK will wait for. Default 30 000 ms. */
  retryCapMs?: number;
  /** Sent on every request. */
  headers?: Record<string, string>;
  /** Injectable for tests. */
  sleep?: Sleep;
  /** Injectable for tests; must return a number in [0, 1). */
  random?: () => number;
  /** Injectable for tests; used to read `Retry-After` dates. */
  now?: () => number;
}

/** A successful response with its metadata. */
export interface APIResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | undefined;
  /** How many retries it took (0 = first attempt succeeded). */
  retries: number;
}

/** Methods that are not idempotent by themselves, so they get a key by default. */
const NEEDS_KEY = new Set<HttpMethod>(['POST', 'PATCH']);

export class Transport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  private readonly opts: TransportOptions;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly now: () => number;

  /**
   * @example
   * const transport = new Transport({ baseUrl: 'http://127.0.0.1:3112', apiKey: process.env.SIGAP_KEY });
   * const incident = await transport.request<Incident>({ method: 'GET', path: '/v1/incidents/inc_1' });
   */
  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxRetries = opts.maxRetries ?? 3;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Sends a request (retrying when safe) and resolves with the parsed JSON body.
   * Rejects with a {@link SigapError} subclass.
   *
   * @example
   * const created = await transport.request<{ id: string }>({
   *   method: 'POST', path: '/v1/incidents', body: { category: 'fire' }, timeoutMs: 5_000,
   * });
   */
  async request<T>(params: RequestParams): Promise<T> {
    return (await this.requestWithResponse<T>(params)).data;
  }

  /**
   * Like {@link Transport.request}, with status, headers, request id and retry count.
   *
   * @example
   * const { data, requestId } = await transport.requestWithResponse({ method: 'GET', path: '/v1/units' });
   */
  async requestWithResponse<T>(params: RequestParams): Promise<APIResponse<T>> {
    const { signal } = params;
    const maxRetries = params.maxRetries ?? this.maxRetries;
    // The key is made ONCE per logical call, outside the retry loop, and sent on every
    // attempt. An attempt that "failed" (timeout, dropped connection, 502 from a proxy) may
    // still have created the incident on the server; reusing the key lets the server
    // recognise the retry and return the first result instead of creating a duplicate —
    // two ambulances sent to one accident. A fresh key per attempt would defeat that.
    const idempotencyKey = params.idempotencyKey ?? (NEEDS_KEY.has(params.method) ? uuidv4() : undefined);
    const url = this.buildUrl(params.path, params.query);
    const body = params.body === undefined ? undefined : JSON.stringify(params.body);

    const started = this.now();
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
      const headers = this.buildHeaders(params, idempotencyKey, body !== undefined, retry);
      try {
        const res = await this.attempt<T>(url, params.method, headers, body, params);
        return { ...res, retries: retry };
      } catch (err) {
        // A per-call maxRetries is an exact count; the client-wide one a minimum (0: no retries).
        const windowMs =
          params.maxRetries === undefined && maxRetries > 0 ? (this.opts.retryWindowMs ?? 30_000) : 0;
        const spent = retry >= maxRetries && this.now() - started >= windowMs;
        if (spent || !isRetryable(err)) throw err;
        const delay = this.retryDelayMs(err as SigapError, retry);
        // The server asked us to wait longer than we are willing to block a caller: give up
        // now and let the error (it carries `retryAfter`) decide, rather than retrying early
        // and burning an attempt on a certain second 429/503.
        if (delay === undefined) throw err;
        try {
          await this.sleep(delay, signal);
        } catch (cause) {
          throw new AbortError(undefined, { cause });
        }
      }
    }
  }

  /**
   * A cursor-paginated GET: await it for the first page, or `for await` it for every item.
   *
   * @example
   * for await (const unit of transport.list<Unit>('/v1/units', { status: 'available' })) console.log(unit.id);
   */
  list<T>(path: string, query?: Query, options?: RequestOptions): PagePromise<T> {
    return new PagePromise<T>((cursor) =>
      this.request<PageResponse<T>>({
        ...options,
        method: 'GET',
        path,
        query: cursor === null ? query : { ...query, cursor },
      }),
    );
  }

  /** Joins base URL, path and query. Query encoding is done by hand because React Native's `URL` is incomplete. */
  buildUrl(path: string, query?: Query): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
      }
    }
    const joined = this.baseUrl + (path.startsWith('/') ? path : `/${path}`);
    if (parts.length === 0) return joined;
    return joined + (joined.includes('?') ? '&' : '?') + parts.join('&');
  }

  private buildHeaders(
    params: RequestParams,
    idempotencyKey: string | undefined,
    hasBody: boolean,
    retry: number,
  ): Record<string, string> {
    // Lower-cased so a caller's `Authorization` replaces ours instead of being merged into
    // "Bearer a, Bearer b" by fetch.
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    if (hasBody) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    // Lets the server (and its logs) tell a retry from a new request.
    if (retry > 0) headers['x-sigap-retry-count'] = String(retry);
    for (const extra of [this.opts.headers, params.headers]) {
      for (const [k, v] of Object.entries(extra ?? {})) headers[k.toLowerCase()] = v;
    }
    return headers;
  }

  /** One attempt with its own timeout; the timer also covers reading the body. */
  private async attempt<T>(
    url: string,
    method: HttpMethod,
    headers: Record<string, string>,
    body: string | undefined,
    params: RequestParams,
  ): Promise<Omit<APIResponse<T>, 'retries'>> {
    const fetchFn = this.opts.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchFn !== 'function') {
      throw new SigapError('No fetch implementation: pass `fetch` in the client options', {
        code: ClientErrorCode.NoFetch,
      });
    }
    const { signal } = params;
    const timeoutMs = params.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    // Infinity/0 mean "no timeout"; setTimeout would treat them as "now".
    const timer =
      Number.isFinite(timeoutMs) && timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    // AbortSignal.any() would do this, but it is missing from Node 18, older Safari and RN.
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const failed = (cause: unknown): SigapError => {
      if (signal?.aborted) return new AbortError(undefined, { cause });
      if (timedOut) return new TimeoutError(timeoutMs, { cause });
      const detail = cause instanceof Error ? `: ${cause.message}` : '';
      return new NetworkError(`Network request failed${detail}`, { cause });
    };

    try {
      let response: Response;
      let text: string;
      try {
        const init = { method, headers, signal: controller.signal };
        response = await fetchFn(url, body === undefined ? init : { ...init, body });
        text = await response.text();
      } catch (cause) {
        throw failed(cause);
      }
      const data = text === '' ? undefined : tryParseJson(text);
      if (!response.ok) throw APIError.generate(response.status, data ?? text, response.headers);
      const requestId = getHeader(response.headers, 'x-request-id');
      if (data === undefined && text !== '') {
        throw new SigapError(`Expected a JSON body from ${method} ${params.path}`, {
          status: response.status,
          code: ClientErrorCode.InvalidResponse,
          requestId,
        });
      }
      return { data: data as T, status: response.status, headers: response.headers, requestId };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** `Retry-After` when the server sent one (up to the cap), else backoff with full jitter. */
  private retryDelayMs(err: SigapError, retry: number): number | undefined {
    const base = this.opts.retryBaseMs ?? 500;
    const cap = this.opts.retryCapMs ?? 30_000;
    const headers = err instanceof APIError ? err.headers : undefined;
    const retryAfter = parseRetryAfterMs(getHeader(headers, 'retry-after'), this.now());
    if (retryAfter !== undefined) return retryAfter <= cap ? retryAfter : undefined;
    return backoffMs(retry, base, cap, this.random);
  }
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
