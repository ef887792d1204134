import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AssignmentParams,
  DispatchBody,
  ErrorResponse,
  Incident,
  IncidentParams,
  Recommendation,
  RecommendationQuery,
  ReleaseAssignmentBody,
  TransitionAssignmentBody,
} from '@sigap/contract';
import { tenantRead, tenantWrite } from '../plugins/idempotency.js';
import { dispatchIncident, recommendationFor, releaseFromIncident, transitionAssignment } from './service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

/** Dispatch: sending agencies to incidents, and the agencies' progress on their assignments. */
export const dispatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/incidents/:id/dispatch',
    {
      config: { roles: ['dispatcher'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Send one or more agencies (and units) to an incident',
        description:
          'Each agency gets its own assignment with its own response targets. A hand-off to a vertical ' +
          'institution records its ticket number, promised date and who confirmed it.',
        params: IncidentParams,
        body: DispatchBody,
        response: { 200: Incident, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        dispatchIncident(tx, principal, request.params.id, request.body, app.travelTime),
      ),
  );

  app.get(
    '/incidents/:id/recommendations',
    {
      config: { roles: ['call_taker', 'dispatcher'] },
      schema: {
        tags: ['dispatch'],
        summary: 'The nearest units that can go, per agency type the incident needs',
        description:
          'Available units of the responsible agency types whose service area covers the incident, nearest first ' +
          '(PostGIS KNN), with an ETA; falls back to the next agency type, then to busy units, and flags noUnitAvailable.',
        params: IncidentParams,
        querystring: RecommendationQuery,
        response: { 200: Recommendation, ...errors },
      },
    },
    (request) =>
      tenantRead(request, (tx, principal) =>
        recommendationFor(tx, principal, request.params.id, app.travelTime, request.query.limit),
      ),
  );

  app.post(
    '/assignments/:id/transitions',
    {
      config: { roles: ['agency', 'dispatcher'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Acknowledge, progress, resolve or decline an assignment',
        description:
          'dispatched → acknowledged → en_route → on_scene → resolved, or declined (with a reason). Agency keys act ' +
          'only on their own agency’s assignments. Returns the whole incident.',
        params: AssignmentParams,
        body: TransitionAssignmentBody,
        response: { 200: Incident, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        transitionAssignment(tx, principal, request.params.id, request.body),
      ),
  );

  app.post(
    '/assignments/:id/release',
    {
      config: { roles: ['dispatcher'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Stand a unit (or agency) down while the incident runs',
        description:
          'The open assignment ends as cancelled with the reason, its unit becomes available for other ' +
          'incidents, and the incident follows the assignments that remain. Returns the whole incident.',
        params: AssignmentParams,
        body: ReleaseAssignmentBody,
        response: { 200: Incident, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        releaseFromIncident(tx, principal, request.params.id, request.body.reason),
      ),
  );
};
