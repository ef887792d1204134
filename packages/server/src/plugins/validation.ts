import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Request validation with two Ajv instances:
 * - bodies are checked strictly: no type coercion ("5" is not 5) and unknown fields are
 *   rejected rather than silently stripped (Fastify's default Ajv removes them);
 * - querystring, params and headers arrive as strings, so those coerce ("20" → 20, "a" → ["a"]).
 * All errors are collected so a client learns every bad field in one round trip.
 */
const shared: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
const strictAjv = withInputBounds(addFormats.default(new Ajv({ ...shared, coerceTypes: false })));
const coercingAjv = withInputBounds(addFormats.default(new Ajv({ ...shared, coerceTypes: 'array' })));

/** Validators are compiled from a bounded copy of the route's schema (see `boundSchema`). */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strictAjv : coercingAjv).compile(boundSchema(schema) as object);

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks what JSON Schema cannot: text PostgreSQL can store byte-for-byte (no NUL character,
 * no lone UTF-16 surrogate, which would be silently replaced) and a sane nesting depth (a body
 * nested thousands of levels deep is an attack, not a report). Returns the first bad field.
 */
export function findUnsafeValue(
  value: unknown,
  path: string,
  depth = 0,
): { path: string; message: string } | null {
  if (depth > MAX_DEPTH) return { path, message: `is nested more than ${MAX_DEPTH} levels deep` };
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, message: 'must not contain the NUL character' };
    if (LONE_SURROGATE.test(value)) return { path, message: 'is not well-formed Unicode (lone surrogate)' };
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const childPath = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (LONE_SURROGATE.test(key) || key.includes('\u0000'))
      return { path: childPath, message: 'is not a valid field name' };
    const found = findUnsafeValue(child, childPath, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Limits every route gets without repeating them in the contract, because values past them
 * only ever reached PostgreSQL as a 500 ("date/time field value out of range", "bigint out of
 * range", "time zone displacement out of range"):
 * - integers are safe integers (`1e309`, `Infinity` and 20-digit numbers coerce to numbers
 *   that no bigint column holds), numbers are finite;
 * - `date-time` and `date` values lie between 2000-01-01 and one day from now, with a real
 *   UTC offset (at most ±14:00). A schema that accepts later values says so with
 *   `x-sigap-max-days-ahead` (a hand-off promised next month, a report range ending next month).
 */
export const EARLIEST_INSTANT = Date.UTC(2000, 0, 1);
export const DEFAULT_MAX_DAYS_AHEAD = 1;
const DAY_MS = 86_400_000;
const MAX_OFFSET_MINUTES = 14 * 60;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function boundSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(boundSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `const`, `enum`, `default` and `examples` hold values, not schemas.
    out[key] = ['const', 'enum', 'default', 'examples'].includes(key) ? value : boundSchema(value);
  }
  const types = [out.type].flat();
  if (types.includes('integer')) {
    out.minimum ??= Number.MIN_SAFE_INTEGER;
    out.maximum ??= Number.MAX_SAFE_INTEGER;
  } else if (types.includes('number')) {
    out.minimum ??= -Number.MAX_VALUE;
    out.maximum ??= Number.MAX_VALUE;
  }
  if (out.format === 'date-time' || out.format === 'date') {
    out.sigapInstant = {
      daysAhead: (out['x-sigap-max-days-ahead'] as number | undefined) ?? DEFAULT_MAX_DAYS_AHEAD,
    };
  }
  return out;
}

function withInputBounds(ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: 'sigapInstant',
    type: 'string',
    schemaType: 'object',
    errors: true,
    validate: function checkInstant(this: unknown, bounds: { daysAhead: number }, value: string) {
      const message = instantProblem(value, bounds.daysAhead);
      if (message === null) return true;
      (checkInstant as unknown as { errors: unknown[] }).errors = [
        { keyword: 'sigapInstant', message, params: { daysAhead: bounds.daysAhead } },
      ];
      return false;
    },
  });
  return ajv;
}

/** Why a date or date-time is out of bounds, or null. Syntax is the `format` keyword's job. */
export function instantProblem(value: string, daysAhead: number, now = Date.now()): string | null {
  const latest = now + daysAhead * DAY_MS;
  const range = `must lie between 2000-01-01 and ${new Date(latest).toISOString().slice(0, 10)}`;
  const dateOnly = DATE.exec(value);
  if (dateOnly) {
    const at = Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3]));
    return at >= EARLIEST_INSTANT && at <= latest ? null : range;
  }
  const m = DATE_TIME.exec(value);
  if (!m) return null; // not a date-time at all: `format` reports it
  if (m[7]) {
    const offset = Number(m[8]) * 60 + Number(m[9]);
    if (offset > MAX_OFFSET_MINUTES || Number(m[9]) > 59)
      return 'must have a UTC offset between -14:00 and +14:00';
  }
  if (Number(m[6]) > 59) return 'must not be a leap second';
  const at = Date.parse(value.toUpperCase().replace(' ', 'T'));
  return Number.isFinite(at) && at >= EARLIEST_INSTANT && at <= latest ? null : range;
}
