import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Call,
  CallParams,
  ErrorResponse,
  IncidentParams,
  SetCallLocationBody,
  UpdateIncidentLocationBody,
  UpdateIncidentLocationResponse,
} from '@sigap/contract';
import { principalOf } from '../auth/plugin.js';
import { getCall } from '../calls/service.js';
import { withTenant } from '../db/tenant.js';
import { tenantSettings } from '../incidents/service.js';
import { tenantWrite } from '../plugins/idempotency.js';
import { geocodeAddress, type ResolvedLocation } from './resolve.js';
import { correctIncidentLocation, setCallLocation } from './service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

/** Locations set after the fact: corrections of an incident's, and a call's before its incident. */
export const locationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/incidents/:id/location',
    {
      config: { roles: ['integrator', 'call_taker', 'dispatcher'] },
      schema: {
        tags: ['incidents'],
        summary: 'Correct where an incident is',
        description:
          'A point (picked on the map, a new GPS or AML fix, a geocoding candidate chosen) and/or an address, ' +
          'with accuracy, source (default map_pick when a point is sent) and a reason. An address without a ' +
          'point is geocoded like at intake; below the confidence threshold the old point stays. Appends ' +
          'incident.location_updated (old and new location, who, why), re-derives desa and kecamatan, and ' +
          'returns the duplicate check and the unit recommendation for the new point; the wall-board moves the ' +
          'marker live. Integrators may correct only their own incidents, and only while received.',
        params: IncidentParams,
        body: UpdateIncidentLocationBody,
        response: { 200: UpdateIncidentLocationResponse, ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const settings = await withTenant(app.db, principal.tenantId, (tx) =>
        tenantSettings(tx, principal.tenantId),
      );
      // Geocoding (maybe an external call) happens before the transaction, never inside it.
      const { address, point } = request.body;
      let geocoded: ResolvedLocation | null = null;
      if (address && !point) {
        geocoded = {
          address,
          ...(await geocodeAddress(app.db, app.geocoder, principal.tenantId, address, settings)),
        };
      }
      return tenantWrite(request, reply, 200, (tx, p) =>
        correctIncidentLocation(tx, p, request.params.id, request.body, geocoded, settings, app.travelTime),
      );
    },
  );

  app.post(
    '/calls/:id/location',
    {
      config: { roles: ['integrator', 'call_taker', 'dispatcher'] },
      schema: {
        tags: ['calls'],
        summary: 'Say where a caller is, before any incident exists',
        description:
          "An AML SMS, the operator's cell or Wi-Fi position (source network, the default), a GPS fix from an " +
          'app. An incident created from this call (callId) without a point of its own takes this location. ' +
          'Integrators set it only on calls they logged. Appends call.location_updated.',
        params: CallParams,
        body: SetCallLocationBody,
        response: { 200: Call, ...errors },
      },
    },
    (request, reply) =>
      tenantWrite(request, reply, 200, (tx, principal) =>
        setCallLocation(tx, principal, request.params.id, request.body, getCall),
      ),
  );
};
