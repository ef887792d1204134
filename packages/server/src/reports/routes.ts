import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AgencyReport,
  AgencyReportQuery,
  ErrorResponse,
  HotspotQuery,
  HotspotReport,
  IncidentExportQuery,
  IncidentFeatureCollection,
  SummaryQuery,
  SummaryReport,
} from '@sigap/contract';
import type { TSchema } from 'typebox';
import { tenantRead } from '../plugins/idempotency.js';
import { sendCsv, toCsv, wantsCsv } from './csv.js';
import { agencyReport, hotspotReport, incidentGeoJson, summaryReport } from './service.js';
import { agencyTable, hotspotTable, summaryTable } from './tables.js';

/**
 * Who reads the monitoring-and-evaluation figures:
 * - admin (the regency's 112 management) and dispatcher (shift supervisors) run the centre and
 *   answer for these numbers;
 * - viewer is the read-only wall-board and leadership screen: the figures hold no caller
 *   number or personal data, so the read-only role may see them;
 * - agency keys see only their own agency's part (filtered in the service, like GET /incidents):
 *   an agency should know how it is judged, not read its peers' or the call centre's figures.
 * Call takers (front line: their work is what the figures judge) and integrators (a third-party
 * app's key) get 403.
 */
const READERS = ['admin', 'dispatcher', 'viewer', 'agency'] as const;

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };
const jsonOrCsv = (schema: TSchema) => ({
  content: {
    'application/json': { schema },
    'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM, RFC 4180, Indonesian headers' } },
  },
});
const RANGE_NOTE =
  '`from` and `to` are local dates in the tenant time zone (`to` exclusive, at most 400 days later); ' +
  'periods start at local midnight. CSV with `format=csv` or `Accept: text/csv`.';

/** Monitoring and evaluation reports (GET /v1/reports/...): the figures a regency is judged by. */
export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The same URL answers JSON or CSV by Accept: caches must keep them apart.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('vary', 'Accept');
  });

  app.get(
    '/reports/summary',
    {
      config: { roles: READERS },
      schema: {
        tags: ['reports'],
        summary: 'Calls, incidents, call-handling times, agencies and overdue hand-offs of a period',
        description: `${RANGE_NOTE} A CSV holds one table: choose it with \`section\` (default calls).`,
        querystring: SummaryQuery,
        response: { 200: jsonOrCsv(SummaryReport), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await tenantRead(request, (tx, principal) => summaryReport(tx, principal, q), {
        snapshot: true,
      });
      if (!wantsCsv(request, q.format)) return report;
      const section = q.section ?? 'calls';
      const { header, rows } = summaryTable(report, section);
      return sendCsv(reply, `sigap112-ringkasan-${section}-${q.from}_${q.to}.csv`, toCsv(header, rows));
    },
  );

  app.get(
    '/reports/agencies',
    {
      config: { roles: READERS },
      schema: {
        tags: ['reports'],
        summary: 'Agency league table, best response-target compliance first',
        description: RANGE_NOTE,
        querystring: AgencyReportQuery,
        response: { 200: jsonOrCsv(AgencyReport), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await tenantRead(request, (tx, principal) => agencyReport(tx, principal, q), {
        snapshot: true,
      });
      if (!wantsCsv(request, q.format)) return report;
      const { header, rows } = agencyTable(report.agencies);
      return sendCsv(reply, `sigap112-instansi-${q.from}_${q.to}.csv`, toCsv(header, rows));
    },
  );

  app.get(
    '/reports/hotspots',
    {
      config: { roles: READERS },
      schema: {
        tags: ['reports'],
        summary: 'Incidents per kecamatan or desa, and a square grid of counts for a heat layer',
        description: `${RANGE_NOTE} The grid is computed in the tenant's UTM zone; CSV \`section\`: areas or grid.`,
        querystring: HotspotQuery,
        response: { 200: jsonOrCsv(HotspotReport), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await tenantRead(request, (tx, principal) => hotspotReport(tx, principal, q));
      if (!wantsCsv(request, q.format)) return report;
      const section = q.section ?? 'areas';
      const { header, rows } = hotspotTable(report, section);
      return sendCsv(reply, `sigap112-sebaran-${section}-${q.from}_${q.to}.csv`, toCsv(header, rows));
    },
  );

  app.get(
    '/reports/incidents.geojson',
    {
      config: { roles: READERS },
      schema: {
        tags: ['reports'],
        summary: 'The incidents of a period as GeoJSON (no names, phone numbers or free text)',
        description: RANGE_NOTE.replace(/ CSV with.*$/, ''),
        querystring: IncidentExportQuery,
        response: {
          200: { content: { 'application/geo+json': { schema: IncidentFeatureCollection } } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const body = await tenantRead(request, (tx, principal) => incidentGeoJson(tx, principal, q));
      return (
        reply
          .header('content-disposition', `attachment; filename="sigap112-kejadian-${q.from}_${q.to}.geojson"`)
          .type('application/geo+json; charset=utf-8')
          // PostgreSQL built the JSON text; Fastify sends a string as it is, without re-serialising.
          .send(body as unknown as IncidentFeatureCollection)
      );
    },
  );
};
