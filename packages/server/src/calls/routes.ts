import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Call,
  CallerHistoryResponse,
  CallerParams,
  CallOverrideBody,
  CallOverrideResponse,
  CallPage,
  CallParams,
  ErrorResponse,
  ListCallsQuery,
  LogCallBody,
  LogCallResponse,
  UnblockCallerBody,
  UnblockCallerResponse,
  UpdateCallBody,
  UpdateCallResponse,
} from '@sigap/contract';
import type { FastifyRequest } from 'fastify';
import { tenantRead, tenantWrite } from '../plugins/idempotency.js';
import {
  getCall,
  getCallerHistory,
  listCalls,
  logCall,
  overrideBlock,
  unblockCaller,
  updateCall,
} from './service.js';

/** People who take calls: they log, classify, override blocks and see full numbers. */
const CALL_TAKERS = ['call_taker', 'dispatcher'] as const;
/** Readers of the call log; the wall-board and admins see caller numbers masked. Agencies see none. */
const READERS = ['call_taker', 'dispatcher', 'viewer', 'admin'] as const;
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const writeErrors = { ...errors, 409: ErrorResponse, 422: ErrorResponse };

/** One-click actions whose body (a note) is optional: no body at all counts as `{}`. */
const optionalBody = async (request: FastifyRequest) => {
  request.body ??= {};
};

/**
 * Calls: every contact with the 112 line. The call-taking screen logs a call when it is
 * answered (and sees the caller's history and any soft block at once), then classifies it
 * when the conversation ends. See contract/calls.ts for the whole flow.
 */
export const callRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/calls',
    {
      config: { roles: ['integrator', ...CALL_TAKERS] },
      schema: {
        tags: ['calls'],
        summary: 'Log a call when it is answered (or in full afterwards)',
        description:
          'Step 1 of the call-taking screen: send the channel and the caller number as given as soon as the call ' +
          'is answered. The number is normalised to E.164 (+62, default region ID); one that is no valid number is ' +
          'kept as given with callerValid false. The answer shows the caller at once: history (other calls, pranks, ' +
          'last call, recent calls), repeatPrankster, and `blocked` when the number is soft-blocked. A blocked ' +
          "number's call is still logged: if it may be real, send blockOverride: true (or POST .../override-block). " +
          'A call known in full may be sent with outcome, endedAt, incidentId (required for duplicate) and ' +
          'laporReference (required for non_emergency); a prank that reaches the tenant threshold soft-blocks the ' +
          'number (blockPlaced). Integrator keys log only their app contacts (channel app), unclassified, and get ' +
          'no history. Send an Idempotency-Key: a retry returns the first answer instead of a second call.',
        body: LogCallBody,
        response: { 201: LogCallResponse, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 201, (tx, principal) => logCall(tx, principal, request.body)),
  );

  app.get(
    '/calls',
    {
      config: { roles: READERS },
      schema: {
        tags: ['calls'],
        summary: 'List calls, newest first',
        description:
          'Filters: from/to (start time), outcome, pending (not classified yet: the queue of calls to close), ' +
          'channel, caller (any usual form of a number; call takers and dispatchers only). Pass nextCursor back ' +
          'as cursor for the next page. Viewers and admins see caller numbers masked.',
        querystring: ListCallsQuery,
        response: { 200: CallPage, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => listCalls(tx, principal, request.query)),
  );

  app.get(
    '/calls/:id',
    {
      config: { roles: READERS },
      schema: {
        tags: ['calls'],
        summary: 'One call, as logged and classified',
        params: CallParams,
        response: { 200: Call, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => getCall(tx, principal, request.params.id)),
  );

  app.patch(
    '/calls/:id',
    {
      config: { roles: CALL_TAKERS },
      schema: {
        tags: ['calls'],
        summary: 'Classify and close a call at the end of the conversation, or correct it',
        description:
          'Step 2 of the call-taking screen: set the outcome and endedAt, with incidentId (the incident it ' +
          'reported or duplicates; required for duplicate) or laporReference (required for non_emergency). Send ' +
          'only what changes; null clears endedAt, incidentId, laporReference or notes. Each change is recorded in ' +
          'one call.updated event; classifying a call as prank may soft-block its number (blockPlaced).',
        params: CallParams,
        body: UpdateCallBody,
        response: { 200: UpdateCallResponse, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        updateCall(tx, principal, request.params.id, request.body),
      ),
  );

  app.post(
    '/calls/:id/override-block',
    {
      config: { roles: CALL_TAKERS },
      preValidation: optionalBody,
      schema: {
        tags: ['calls'],
        summary: "Answer a soft-blocked number's call as possibly real",
        description:
          'The one action that overrides a soft block for this call (the same as blockOverride: true at intake): ' +
          'recorded on the call and in a call.block_overridden event. Doing it again changes nothing; a call ' +
          'whose number has no block in force is a 409. The block itself stays for other calls.',
        params: CallParams,
        body: CallOverrideBody,
        response: { 200: CallOverrideResponse, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        overrideBlock(tx, principal, request.params.id, request.body),
      ),
  );

  app.get(
    '/callers/:number/history',
    {
      config: { roles: CALL_TAKERS },
      schema: {
        tags: ['calls'],
        summary: "A caller number's history, prankster flag and soft block",
        description:
          'The same summary POST /v1/calls returns at intake, for a number in any usual form (URL-encode + as ' +
          '%2B); the full list is GET /v1/calls?caller=. Call takers and dispatchers only: a number is personal data.',
        params: CallerParams,
        response: { 200: CallerHistoryResponse, ...errors },
      },
    },
    (request) =>
      tenantRead(request, (tx, principal) => getCallerHistory(tx, principal, request.params.number)),
  );

  app.post(
    '/callers/:number/unblock',
    {
      config: { roles: ['dispatcher'] },
      preValidation: optionalBody,
      schema: {
        tags: ['calls'],
        summary: "Lift a number's soft block (dispatchers)",
        description:
          'Removes the block at once, with a caller.unblocked event. Unblocking a number that is not blocked ' +
          'changes nothing (unblocked: false). Further pranks from the number can block it again.',
        params: CallerParams,
        body: UnblockCallerBody,
        response: { 200: UnblockCallerResponse, ...writeErrors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        unblockCaller(tx, principal, request.params.number, request.body),
      ),
  );
};
