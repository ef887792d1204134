import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../plugins/cursor.js';

/** A parameterised statement: the `sql.ts` files build them, the services run them. */
export interface Sql {
  text: string;
  values: unknown[];
}

export const run = <R>(tx: Queryable, q: Sql) => tx.query<R>(q.text, q.values);

/** A 400 naming one field, e.g. `invalid('/body/agencyId', 'not_found', 'is not an agency of this tenant')`. */
export function invalid(path: string, code: string, message: string): ApiError {
  return new ApiError('SIGAP_ERR_VALIDATION', undefined, { details: [{ path, code, message }] });
}

/** The SQLSTATE of a database error (both backends expose it as `code`). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs a write that a unique constraint may refuse (two admins creating the same code at once,
 * after both checked it was free): the violation becomes a 409, not a 500.
 */
export async function unlessDuplicate<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (sqlState(error) === '23505') throw new ApiError('SIGAP_ERR_CONFLICT', message);
    throw error;
  }
}

/**
 * Runs `fn` inside a savepoint and reports whether a foreign key refused it (SQLSTATE 23503):
 * the row is still referenced. Other errors propagate. Used to delete what nothing points to
 * and to fall back to deactivation otherwise, whatever table (now or later) points to it.
 */
export async function whenUnreferenced(tx: Queryable, fn: () => Promise<void>): Promise<boolean> {
  await tx.exec('SAVEPOINT sigap_unreferenced');
  try {
    await fn();
  } catch (error) {
    await tx.exec('ROLLBACK TO SAVEPOINT sigap_unreferenced');
    if (sqlState(error) === '23503') return false;
    throw error;
  }
  await tx.exec('RELEASE SAVEPOINT sigap_unreferenced');
  return true;
}

export const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

const CODE_CURSOR_MAX = 100;

/** Decodes a `[code]` cursor of a list ordered by code. */
export function codeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const [code] = decodeCursor(cursor, ['string']) as [string];
  if (code.length === 0 || code.length > CODE_CURSOR_MAX) {
    throw invalid('/query/cursor', 'format', 'is not a cursor returned by this list');
  }
  return code;
}

/**
 * Cuts a `limit + 1` row result into a page: the extra row only says there is more.
 *
 * @example
 * const { rows } = await run<AgencyRow>(tx, sql.listAgencies(...limit + 1));
 * return toPage(rows, limit, serializeAgency, (last) => [last.code]);
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  serialize: (row: R) => T,
  cursorOf: (last: R) => (string | number)[],
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(serialize),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
