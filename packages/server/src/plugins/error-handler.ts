import type { FieldError } from '@sigap/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/index.js';
import { ApiError, ERRORS, type ErrorCode } from '../errors.js';
import { allowedMethods } from './client-errors.js';

/** Seconds a client should wait before retrying while the database is unreachable. */
const DB_RETRY_AFTER_SECONDS = 5;

/**
 * One place turns every failure into `{ code, message, details?, allowed?, requestId }`.
 * 4xx say what was wrong; 5xx say only that it was logged — never a stack trace or SQL text.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { code, status, message, details, allowed, retryAfter } = classify(error);
      if (status >= 500 && code !== 'SIGAP_ERR_UNAVAILABLE')
        request.log.error({ err: error }, 'request failed');
      else if (code === 'SIGAP_ERR_UNAVAILABLE') request.log.warn({ err: error }, 'database unavailable');
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      return sendError(reply, request, status, { code, message, details, allowed });
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      // A known path with another method: 405 naming the methods it has (RFC 9110 §15.5.6).
      const allowed = allowedMethods(app, path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return sendError(reply, request, 405, {
          code: 'SIGAP_ERR_METHOD_NOT_ALLOWED',
          message: `${request.method} is not allowed on ${path}`,
          allowed,
        });
      }
      return sendError(reply, request, 404, {
        code: 'SIGAP_ERR_NOT_FOUND',
        message: `No route for ${request.method} ${path}`,
      });
    });
  },
  { name: 'sigap-error-handler' },
);

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  body: { code: ErrorCode; message: string; details?: FieldError[]; allowed?: string[] },
) {
  const payload: Record<string, unknown> = { code: body.code, message: body.message };
  if (body.details) payload.details = body.details;
  if (body.allowed) payload.allowed = body.allowed;
  payload.requestId = request.id;
  // The error shape is the same on every route, whatever a route declares for that status (e.g.
  // `/readyz` documents its own 503 body): serialise it plainly, so a shed or failed request can
  // never turn into a 500 "failed to serialize an error".
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .serializer((value: unknown) => JSON.stringify(value))
    .send(payload);
}

interface Classified {
  code: ErrorCode;
  status: number;
  message: string;
  details?: FieldError[];
  allowed?: string[];
  retryAfter?: number;
}

function classify(error: FastifyError): Classified {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      status: error.statusCode,
      message: error.message,
      details: error.extra.details,
      allowed: error.extra.allowed,
      retryAfter: error.extra.retryAfterSeconds,
    };
  }
  if (error.validation) {
    const part = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
    return {
      code: 'SIGAP_ERR_VALIDATION',
      status: 400,
      message: ERRORS.SIGAP_ERR_VALIDATION.message,
      details: error.validation.slice(0, 100).map((issue) => toFieldError(part, issue)),
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      code: 'SIGAP_ERR_UNAVAILABLE',
      status: 503,
      message: ERRORS.SIGAP_ERR_UNAVAILABLE.message,
      retryAfter: DB_RETRY_AFTER_SECONDS,
    };
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return fromCode('SIGAP_ERR_PAYLOAD_TOO_LARGE');
  if (status === 415) return fromCode('SIGAP_ERR_UNSUPPORTED_MEDIA_TYPE');
  if (status === 405) return fromCode('SIGAP_ERR_METHOD_NOT_ALLOWED');
  if (status === 429) return fromCode('SIGAP_ERR_RATE_LIMITED');
  if (status === 400 && /JSON/i.test(`${error.code} ${error.message}`)) return fromCode('SIGAP_ERR_BAD_JSON');
  // Other client errors raised by Fastify itself (empty body, bad content length...): their
  // messages are written for clients and carry no internals.
  if (status >= 400 && status < 500)
    return { code: 'SIGAP_ERR_VALIDATION', status: 400, message: error.message };
  return fromCode('SIGAP_ERR_INTERNAL');
}

function fromCode(code: ErrorCode): Classified {
  return { code, status: ERRORS[code].status, message: ERRORS[code].message };
}

type AjvIssue = NonNullable<FastifyError['validation']>[number];

function toFieldError(part: string, issue: AjvIssue): FieldError {
  let path = `/${part}${issue.instancePath}`;
  const params = issue.params as Record<string, unknown>;
  // Name the offending field itself for "missing" and "unknown" errors, not its parent object.
  if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
    path += `/${params.missingProperty}`;
  } else if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path += `/${params.additionalProperty}`;
  }
  const message =
    issue.keyword === 'additionalProperties' ? 'is not an allowed field' : (issue.message ?? 'is invalid');
  return { path, code: issue.keyword, message };
}
