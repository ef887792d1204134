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
