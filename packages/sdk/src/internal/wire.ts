/**
 * NOT PUBLIC API. Shapes of what travels over the wire. The error body comes from the shared
 * contract (as types only: the build writes them out, see scripts/bundle-types.mjs).
 */
import type { ErrorResponse, FieldError } from '@sigap/contract';

export type { ErrorResponse, FieldError };

/** A cursor-paginated list: pass `nextCursor` back as `?cursor=` until it is `null`. */
export interface PageResponse<T> {
  items: T[];
  nextCursor: string | null;
}

/** Loose reading of a parsed body: `undefined` unless it looks like an {@link ErrorResponse}. */
export function asErrorResponse(body: unknown): Partial<ErrorResponse> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const out: Partial<ErrorResponse> = {};
  if (typeof b.code === 'string') out.code = b.code;
  if (typeof b.message === 'string') out.message = b.message;
  if (typeof b.requestId === 'string') out.requestId = b.requestId;
  if (Array.isArray(b.details)) out.details = b.details as FieldError[];
  if (Array.isArray(b.allowed)) out.allowed = b.allowed.filter((s): s is string => typeof s === 'string');
  return out;
}

/** Header values, however the caller holds them (a fetch `Headers` or a plain object). */
export type HeadersLike = Headers | Record<string, string | undefined> | undefined;

/** Case-insensitive header lookup that works for both forms of {@link HeadersLike}. */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * Reads a `Retry-After` header: delta-seconds (`"120"`) or an HTTP date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`). Returns milliseconds from `now`, never negative,
 * or `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
