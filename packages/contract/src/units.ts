import Type, { type Static } from 'typebox';
import { Page } from './common.js';
import { UnitStatus } from './enums.js';
import { BboxParam, Point } from './geo.js';

/** A unit in the field (a fire post, an ambulance, a police sector) as every reader sees it. */
export const Unit = Type.Object({
  id: Type.String(),
  code: Type.String({ description: 'e.g. DAMKAR-SDA-01' }),
  name: Type.String(),
  kind: Type.String({ description: 'e.g. fire_engine, ambulance' }),
  agencyId: Type.String(),
  agencyCode: Type.String(),
  agencyType: Type.String(),
  location: Point,
  hasServiceArea: Type.Boolean({
    description: 'the unit serves only inside its service area (admins read it at /v1/admin/units/:id)',
  }),
  status: UnitStatus,
  expectedFreeAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when a busy unit expects to be available again',
  }),
  positionAt: Type.String({ description: 'when the unit was at `location`' }),
  updatedAt: Type.String(),
});
export type Unit = Static<typeof Unit>;

export const UnitPage = Page(Unit);
export type UnitPage = Static<typeof UnitPage>;

export const UnitParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ListUnitsQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(UnitStatus, { maxItems: 3 })),
    agency: Type.Optional(Type.String({ format: 'uuid', description: 'units of this agency' })),
    bbox: Type.Optional(BboxParam),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListUnitsQuery = Static<typeof ListUnitsQuery>;

/** A position report from a unit's tracker or from a dispatcher on the radio. */
export const UnitPositionBody = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    at: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'when the position was measured; a report older than the stored position is ignored ' +
          '(applied: false), so reports arriving out of order never move a unit backwards',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UnitPositionBody = Static<typeof UnitPositionBody>;

export const UnitPositionResult = Type.Object({
  applied: Type.Boolean({ description: 'false when the report was older than the stored position' }),
  unit: Unit,
});
export type UnitPositionResult = Static<typeof UnitPositionResult>;

export const UnitStatusBody = Type.Object(
  {
    status: UnitStatus,
    expectedFreeAt: Type.Optional(
      Type.Union([Type.String({ format: 'date-time', 'x-sigap-max-days-ahead': 31 }), Type.Null()], {
        description: 'only with status busy: when the unit expects to be free (used to rank busy units)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UnitStatusBody = Static<typeof UnitStatusBody>;
