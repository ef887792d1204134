import { ApiError } from '../errors.js';
import { findUnsafeValue } from './validation.js';

/**
 * Opaque list cursors: base64url JSON of the last row's sort key. Clients pass `nextCursor`
 * back unchanged; anything else is a 400 naming the parameter, never a 500.
 *
 * Cursors are client input like any other: a hand-made one must not reach SQL with a date
 * PostgreSQL rejects (`2026-02-30`), a number outside bigint (`1e308`), a fraction where a seq
 * is expected (`-1.5`) or text PostgreSQL cannot store (`"\u0000"`).
 */
export type CursorPart =
  /** text (a code): at most 100 characters, no NUL, no lone surrogate */
  | 'string'
  /** a seq or count: a non-negative safe integer */
  | 'number'
  /** a row time as this server writes it: `YYYY-MM-DDTHH:MM:SS.ffffffZ`, a real date from 2000 on */
  | 'timestamp'
  | 'uuid';

const ISO_MICROS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly CursorPart[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    parsed.some((v, i) => !fits(v, shape[i]!))
  ) {
    throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
      details: [{ path: '/query/cursor', code: 'format', message: 'is not a cursor returned by this list' }],
    });
  }
  return parsed as (string | number)[];
}

function fits(value: unknown, part: CursorPart): boolean {
  switch (part) {
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'string':
      return typeof value === 'string' && value.length <= 100 && findUnsafeValue(value, '') === null;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'timestamp':
      return typeof value === 'string' && isRealTimestamp(value);
  }
}

function isRealTimestamp(value: string): boolean {
  const m = ISO_MICROS.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if (year! < 2000 || hour! > 23 || minute! > 59 || second! > 59) return false;
  // Date.UTC rolls 2026-02-30 over to March 2: a real date comes back unchanged.
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}
