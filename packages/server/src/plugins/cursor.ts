import { ApiError } from '../errors.js';

/**
 * Opaque list cursors: base64url JSON of the last row's sort key. Clients pass `nextCursor`
 * back unchanged; anything else is a 400 naming the parameter, never a 500.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    parsed.some((v, i) => typeof v !== shape[i] || (typeof v === 'string' && v.length > 100))
  ) {
    throw new ApiError('SIGAP_ERR_VALIDATION', undefined, {
      details: [{ path: '/query/cursor', code: 'format', message: 'is not a cursor returned by this list' }],
    });
  }
  return parsed as (string | number)[];
}
