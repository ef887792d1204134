import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateIncidentBody,
  CreateIncidentResponse,
  ErrorResponse,
  EventPage,
  EventsQuery,
  Incident,
  IncidentPage,
  IncidentParams,
  ListIncidentsQuery,
  MergeBody,
  TransitionIncidentBody,
} from '@sigap/contract';
import { principalOf } from '../auth/plugin.js';
import { tenantRead, tenantWrite } from '../plugins/idempotency.js';
import { intakeIncident, resolveIntake } from './intake.js';
import { getIncident, listIncidentEvents, listIncidents } from './service.js';
import { mergeIncident, transitionIncident } from './transitions.js';

const READERS = ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const;
const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** Incidents: intake, reading, the incident-level lifecycle and the audit trail. */
export const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/incidents',
    {
      config: { roles: ['integrator', 'call_taker', 'dispatcher'] },
      schema: {
        tags: ['incidents'],
        summary: 'Report an incident',
        description:
          'What happened (category, description), its condition, where (point and/or address as said) and a ' +
          'callback number. Send an Idempotency-Key: a retry returns the first response instead of a second incident. ' +
          'Without a point, the point its call carries (callId) is used, else the address is geocoded (gazetteer, then ' +
          'the external geocoder within its timeout): from the tenant setting geocodeConfidenceThreshold the best ' +
          'candidate becomes the point (source geocoded), below it the incident is created with location status ' +
          'needs_review and no point; `geocoding` says which, with the candidates. Points outside the tenant are ' +
          'accepted with outsideJurisdiction true.',
        body: CreateIncidentBody,
        response: { 201: CreateIncidentResponse, ...errors, 422: ErrorResponse },
      },
    },
    async (request, reply) => {
      const intake = await resolveIntake(app.db, app.geocoder, principalOf(request), request.body);
      return tenantWrite(request, reply, 201, (tx, principal) =>
        intakeIncident(tx, principal, request.body, intake, app.travelTime),
      );
    },
  );

  app.get(
    '/incidents',
    {
      config: { roles: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'List incidents, newest first',
        description:
          'Integrator keys see only what they submitted; agency keys only incidents assigned to them.',
        querystring: ListIncidentsQuery,
        response: { 200: IncidentPage, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => listIncidents(tx, principal, request.query)),
  );

  app.get(
    '/incidents/:id',
    {
      config: { roles: READERS },
      schema: {
        tags: ['incidents'],
        summary: 'One incident',
        params: IncidentParams,
        response: { 200: Incident, ...errors },
      },
    },
    (request) => tenantRead(request, (tx, principal) => getIncident(tx, principal, request.params.id)),
  );

  app.get(
    '/incidents/:id/events',
    {
      config: { roles: READERS },
      schema: {
        tags: ['incidents'],
        summary: "The incident's audit trail, oldest first",
        params: IncidentParams,
        querystring: EventsQuery,
        response: { 200: EventPage, ...errors },
      },
    },
    (request) =>
      tenantRead(request, (tx, principal) =>
        listIncidentEvents(tx, principal, request.params.id, request.query),
      ),
  );

  app.post(
    '/incidents/:id/transitions',
    {
      config: { roles: ['call_taker', 'dispatcher'] },
      schema: {
        tags: ['incidents'],
        summary: 'Verify, cancel, reject, close or reopen an incident',
        description:
          'Call takers verify, cancel and reject; dispatchers also close and reopen. An illegal change is a 409 ' +
          'whose `allowed` lists what is possible from the current status.',
        params: IncidentParams,
        body: TransitionIncidentBody,
        response: { 200: Incident, ...errors, 422: ErrorResponse },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        transitionIncident(tx, principal, request.params.id, request.body),
      ),
  );

  app.post(
    '/incidents/:id/merge',
    {
      config: { roles: ['dispatcher'] },
      schema: {
        tags: ['incidents'],
        summary: 'Mark an incident as a duplicate of another',
        params: IncidentParams,
        body: MergeBody,
        response: { 200: Incident, ...errors, 422: ErrorResponse },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        mergeIncident(tx, principal, request.params.id, request.body.into, request.body.note),
      ),
  );
};
