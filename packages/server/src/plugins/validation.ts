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
const strictAjv = addFormats.default(new Ajv({ ...shared, coerceTypes: false }));
const coercingAjv = addFormats.default(new Ajv({ ...shared, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object);

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
