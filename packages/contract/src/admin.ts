import Type, { type Static } from 'typebox';
import { Page } from './common.js';
import { AgencyKind, Priority, Role, UnitStatus } from './enums.js';
import { Point } from './geo.js';
import { CategoryCode } from './incidents.js';
import { Unit } from './units.js';

// Tenant administration (role `admin`): profile and settings, agencies, categories, units, API keys.
// Patches follow JSON Merge Patch (RFC 7396): a missing field is left alone, `null` goes back
// to the default of the level above (built-in default for tenant settings, the tenant's
// per-priority target for a category's target).

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Cursor = Type.Optional(Type.String({ maxLength: 200 }));
const Limit = (max: number, value: number) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: value }));

// ---------------------------------------------------------------------------------------------
// Tenant profile and settings

export const TIME_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const;
export const TimeZone = Type.Enum(TIME_ZONES, { description: 'WIB, WITA or WIT' });
export type TimeZone = Static<typeof TimeZone>;

/** A response target in seconds: at most 30 days. */
const TargetSeconds = Type.Integer({ minimum: 1, maximum: 30 * 24 * 3600 });

export const PriorityTargets = Type.Object({
  acknowledgeS: Nullable(TargetSeconds),
  onSceneS: Nullable(TargetSeconds),
  resolveS: Nullable(TargetSeconds),
});
export type PriorityTargets = Static<typeof PriorityTargets>;

/**
 * Watchdog limits (issue 15), in seconds: from creation to verification and from verification
 * to the first dispatch. Crossing one appends one `verification_overdue` / `dispatch_overdue`.
 */
const WatchdogSeconds = Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 });
export const WatchdogLimits = Type.Object({
  verifyS: Nullable(WatchdogSeconds),
  dispatchS: Nullable(WatchdogSeconds),
});
const WatchdogOverride = Type.Object(
  { verifyS: Type.Optional(WatchdogSeconds), dispatchS: Type.Optional(WatchdogSeconds) },
  { additionalProperties: false },
);
const WatchdogPatch = Type.Object(
  { verifyS: Type.Optional(Nullable(WatchdogSeconds)), dispatchS: Type.Optional(Nullable(WatchdogSeconds)) },
  { additionalProperties: false },
);

/** Bounds of every tenant setting, shared by the effective values and the patch. */
const SETTING = {
  prankThreshold: Type.Integer({
    minimum: 1,
    maximum: 100,
    description: 'pranks from one number (within prankWindowDays) from which it is flagged',
  }),
  prankWindowDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  softBlockHours: Type.Integer({
    minimum: 0,
    maximum: 720,
    description:
      'how long a repeat prankster is soft-blocked (0: never); calls are still logged and answerable',
  }),
  reopenWindowHours: Type.Integer({
    minimum: 0,
    maximum: 2160,
    description: 'how long after resolution a reporter can have an incident reopened',
  }),
  duplicateRadiusM: Type.Integer({ minimum: 0, maximum: 10_000 }),
  duplicateWindowMinutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
  autoDispatchP1: Type.Boolean({ description: 'send the recommended units to a new P1 incident at once' }),
  callerRateLimitPerMinute: Type.Integer({
    minimum: 1,
    maximum: 1000,
    description:
      'calls logged from one number in a minute before further ones are refused with 429 (a flood, not a caller)',
  }),
  anonymousCallRateLimitPerMinute: Type.Integer({
    minimum: 1,
    maximum: 100_000,
    description:
      'calls without a usable number (withheld, anonymous, garbled) logged per minute, all together, before more are refused with 429',
  }),
  geocodeConfidenceThreshold: Type.Number({
    minimum: 0,
    maximum: 1,
    description:
      'an address-only incident takes the best geocoding candidate as its point from this confidence; below it ' +
      'the incident waits with location status needs_review',
  }),
  desaPointRadiusM: Type.Integer({
    minimum: 0,
    maximum: 20_000,
    description:
      'without a desa boundary or an address match, the nearest desa point this close gives the desa code ' +
      '(flagged approximate); 0 = never',
  }),
};

/** The effective settings: the tenant's overrides on top of the built-in defaults. */
export const TenantSettings = Type.Object({
  targets: Type.Object({ P1: PriorityTargets, P2: PriorityTargets, P3: PriorityTargets }),
  watchdog: Type.Object({ P1: WatchdogLimits, P2: WatchdogLimits, P3: WatchdogLimits }),
  ...SETTING,
});
export type TenantSettings = Static<typeof TenantSettings>;

const PriorityTargetsOverride = Type.Object(
  {
    acknowledgeS: Type.Optional(TargetSeconds),
    onSceneS: Type.Optional(TargetSeconds),
    resolveS: Type.Optional(TargetSeconds),
  },
  { additionalProperties: false },
);

/** What the tenant changed from the defaults (as stored). */
export const TenantSettingsOverrides = Type.Object({
  targets: Type.Optional(
    Type.Object({
      P1: Type.Optional(PriorityTargetsOverride),
      P2: Type.Optional(PriorityTargetsOverride),
      P3: Type.Optional(PriorityTargetsOverride),
    }),
  ),
  watchdog: Type.Optional(
    Type.Object({
      P1: Type.Optional(WatchdogOverride),
      P2: Type.Optional(WatchdogOverride),
      P3: Type.Optional(WatchdogOverride),
    }),
  ),
  prankThreshold: Type.Optional(SETTING.prankThreshold),
  prankWindowDays: Type.Optional(SETTING.prankWindowDays),
  softBlockHours: Type.Optional(SETTING.softBlockHours),
  reopenWindowHours: Type.Optional(SETTING.reopenWindowHours),
  duplicateRadiusM: Type.Optional(SETTING.duplicateRadiusM),
  duplicateWindowMinutes: Type.Optional(SETTING.duplicateWindowMinutes),
  autoDispatchP1: Type.Optional(SETTING.autoDispatchP1),
  callerRateLimitPerMinute: Type.Optional(SETTING.callerRateLimitPerMinute),
  anonymousCallRateLimitPerMinute: Type.Optional(SETTING.anonymousCallRateLimitPerMinute),
  geocodeConfidenceThreshold: Type.Optional(SETTING.geocodeConfidenceThreshold),
  desaPointRadiusM: Type.Optional(SETTING.desaPointRadiusM),
});
export type TenantSettingsOverrides = Static<typeof TenantSettingsOverrides>;

const PriorityTargetsPatch = Type.Object(
  {
    acknowledgeS: Type.Optional(Nullable(TargetSeconds)),
    onSceneS: Type.Optional(Nullable(TargetSeconds)),
    resolveS: Type.Optional(Nullable(TargetSeconds)),
  },
  { additionalProperties: false },
);

/** A merge patch of the overrides: `null` removes an override, so the default applies again. */
export const TenantSettingsPatch = Type.Object(
  {
    targets: Type.Optional(
      Nullable(
        Type.Object(
          {
            P1: Type.Optional(Nullable(PriorityTargetsPatch)),
            P2: Type.Optional(Nullable(PriorityTargetsPatch)),
            P3: Type.Optional(Nullable(PriorityTargetsPatch)),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    watchdog: Type.Optional(
      Nullable(
        Type.Object(
          {
            P1: Type.Optional(Nullable(WatchdogPatch)),
            P2: Type.Optional(Nullable(WatchdogPatch)),
            P3: Type.Optional(Nullable(WatchdogPatch)),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    prankThreshold: Type.Optional(Nullable(SETTING.prankThreshold)),
    prankWindowDays: Type.Optional(Nullable(SETTING.prankWindowDays)),
    softBlockHours: Type.Optional(Nullable(SETTING.softBlockHours)),
    reopenWindowHours: Type.Optional(Nullable(SETTING.reopenWindowHours)),
    duplicateRadiusM: Type.Optional(Nullable(SETTING.duplicateRadiusM)),
    duplicateWindowMinutes: Type.Optional(Nullable(SETTING.duplicateWindowMinutes)),
    autoDispatchP1: Type.Optional(Nullable(SETTING.autoDispatchP1)),
    callerRateLimitPerMinute: Type.Optional(Nullable(SETTING.callerRateLimitPerMinute)),
    anonymousCallRateLimitPerMinute: Type.Optional(Nullable(SETTING.anonymousCallRateLimitPerMinute)),
    geocodeConfidenceThreshold: Type.Optional(Nullable(SETTING.geocodeConfidenceThreshold)),
    desaPointRadiusM: Type.Optional(Nullable(SETTING.desaPointRadiusM)),
  },
  { additionalProperties: false },
);
export type TenantSettingsPatch = Static<typeof TenantSettingsPatch>;

export const TenantProfile = Type.Object({
  id: Type.String({ description: 'Kemendagri code of the regency or city, e.g. 35.15' }),
  name: Type.String(),
  timeZone: TimeZone,
  numberPrefix: Type.String({ description: 'prefix of incident numbers, e.g. SDA' }),
  settings: TenantSettings,
  overrides: TenantSettingsOverrides,
  createdAt: Type.String(),
});
export type TenantProfile = Static<typeof TenantProfile>;

export const UpdateTenantBody = Type.Object(
  {
    name: Type.Optional(Text(200)),
    timeZone: Type.Optional(TimeZone),
    settings: Type.Optional(TenantSettingsPatch),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTenantBody = Static<typeof UpdateTenantBody>;

// ---------------------------------------------------------------------------------------------
// Agencies

export const AgencyType = Type.String({
  pattern: '^[A-Z0-9_]{2,20}$',
  description:
    'DAMKAR, BPBD, PSC119, RSUD, PUSKESMAS, POLRI, SATPOLPP, DISHUB, DPUPR, DLH, DINSOS, PMI, PLN, TELKOM, PDAM, DISKOMINFO, or a local type',
});
export const AgencyCode = Type.String({ pattern: '^[A-Z0-9_-]{2,40}$', description: 'e.g. DAMKAR-SDA' });

export const Agency = Type.Object({
  id: Type.String(),
  code: Type.String(),
  type: Type.String(),
  kind: AgencyKind,
  name: Type.String(),
  active: Type.Boolean({ description: 'inactive agencies keep their history but are not dispatched' }),
  unitCount: Type.Integer(),
  createdAt: Type.String(),
});
export type Agency = Static<typeof Agency>;

export const AgencyPage = Page(Agency);
export type AgencyPage = Static<typeof AgencyPage>;

export const AgencyParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ListAgenciesQuery = Type.Object(
  {
    type: Type.Optional(AgencyType),
    active: Type.Optional(Type.Boolean()),
    limit: Limit(500, 100),
    cursor: Cursor,
  },
  { additionalProperties: false },
);
export type ListAgenciesQuery = Static<typeof ListAgenciesQuery>;

export const CreateAgencyBody = Type.Object(
  { code: AgencyCode, type: AgencyType, kind: AgencyKind, name: Text(200) },
  { additionalProperties: false },
);
export type CreateAgencyBody = Static<typeof CreateAgencyBody>;

export const UpdateAgencyBody = Type.Object(
  { name: Type.Optional(Text(200)), kind: Type.Optional(AgencyKind), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAgencyBody = Static<typeof UpdateAgencyBody>;

export const DeleteAgencyResult = Type.Object({
  deleted: Type.Boolean({
    description: 'false when the agency is referenced (units, keys, assignments): it was deactivated instead',
  }),
  agency: Agency,
});
export type DeleteAgencyResult = Static<typeof DeleteAgencyResult>;

// ---------------------------------------------------------------------------------------------
// Categories

export const Responsible = Type.Array(
  Type.Array(AgencyType, { minItems: 1, maxItems: 8, uniqueItems: true }),
  {
    minItems: 1,
    maxItems: 8,
    description:
      'groups of agency types: every type of the first group is needed together; later groups are fallbacks',
  },
);

/** Per-category targets in seconds; `null` = the tenant's target for the priority. */
export const CategoryTargets = Type.Object({
  acknowledgeS: Nullable(TargetSeconds),
  onSceneS: Nullable(TargetSeconds),
  resolveS: Nullable(TargetSeconds),
});

export const Category = Type.Object({
  code: Type.String(),
  labelId: Type.String(),
  labelEn: Type.String(),
  defaultPriority: Priority,
  responsible: Type.Array(Type.Array(Type.String())),
  targets: CategoryTargets,
  active: Type.Boolean(),
});
export type Category = Static<typeof Category>;

export const CategoryPage = Page(Category);
export type CategoryPage = Static<typeof CategoryPage>;

export const CategoryParams = Type.Object({ code: CategoryCode });

export const ListCategoriesQuery = Type.Object(
  {
    includeInactive: Type.Optional(Type.Boolean({ default: false })),
    limit: Limit(500, 200),
    cursor: Cursor,
  },
  { additionalProperties: false },
);
export type ListCategoriesQuery = Static<typeof ListCategoriesQuery>;

const CategoryTargetsPatch = Type.Object(
  {
    acknowledgeS: Type.Optional(Nullable(TargetSeconds)),
    onSceneS: Type.Optional(Nullable(TargetSeconds)),
    resolveS: Type.Optional(Nullable(TargetSeconds)),
  },
  { additionalProperties: false },
);

export const CreateCategoryBody = Type.Object(
  {
    code: CategoryCode,
    labelId: Text(120),
    labelEn: Text(120),
    defaultPriority: Priority,
    responsible: Responsible,
    targets: Type.Optional(CategoryTargetsPatch),
    active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateCategoryBody = Static<typeof CreateCategoryBody>;

export const UpdateCategoryBody = Type.Object(
  {
    labelId: Type.Optional(Text(120)),
    labelEn: Type.Optional(Text(120)),
    defaultPriority: Type.Optional(Priority),
    responsible: Type.Optional(Responsible),
    targets: Type.Optional(CategoryTargetsPatch),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCategoryBody = Static<typeof UpdateCategoryBody>;

// ---------------------------------------------------------------------------------------------
// Units (administration; reading and field reports are in units.ts)

const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 3,
  description: '[lon, lat] (an altitude is ignored)',
});
const LinearRing = Type.Array(Position, {
  minItems: 4,
  maxItems: 100_000,
  description: 'closed: the last position repeats the first',
});
const PolygonCoordinates = Type.Array(LinearRing, { minItems: 1, maxItems: 500 });
const GeoJsonBbox = Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 6 }));

export const GeoJsonPolygon = Type.Object(
  { type: Type.Literal('Polygon'), coordinates: PolygonCoordinates, bbox: GeoJsonBbox },
  { additionalProperties: false },
);
export const GeoJsonMultiPolygon = Type.Object(
  {
    type: Type.Literal('MultiPolygon'),
    coordinates: Type.Array(PolygonCoordinates, { minItems: 1, maxItems: 500 }),
    bbox: GeoJsonBbox,
  },
  { additionalProperties: false },
);
/** A service area as sent: a GeoJSON Polygon or MultiPolygon in WGS 84, checked with ST_IsValid. */
export const ServiceArea = Type.Union([GeoJsonPolygon, GeoJsonMultiPolygon]);
export type ServiceArea = Static<typeof ServiceArea>;

/** A unit as administrators see it: with its service area (stored as a MultiPolygon). */
export const AdminUnit = Type.Object({
  ...Unit.properties,
  serviceArea: Type.Union([
    Type.Object({
      type: Type.Literal('MultiPolygon'),
      coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))),
    }),
    Type.Null(),
  ]),
});
export type AdminUnit = Static<typeof AdminUnit>;

const UnitCode = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,60}$', description: 'e.g. DAMKAR-SDA-01' });
const UnitKind = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,40}$',
  description: 'e.g. fire_engine, ambulance',
});

export const CreateUnitBody = Type.Object(
  {
    agencyId: Type.String({ format: 'uuid' }),
    code: UnitCode,
    name: Text(200),
    kind: UnitKind,
    location: Point,
    serviceArea: Type.Optional(Nullable(ServiceArea)),
    status: Type.Optional(UnitStatus),
  },
  { additionalProperties: false },
);
export type CreateUnitBody = Static<typeof CreateUnitBody>;

export const UpdateUnitBody = Type.Object(
  {
    agencyId: Type.Optional(Type.String({ format: 'uuid' })),
    code: Type.Optional(UnitCode),
    name: Type.Optional(Text(200)),
    kind: Type.Optional(UnitKind),
    location: Type.Optional(Point),
    serviceArea: Type.Optional(Nullable(ServiceArea)),
    status: Type.Optional(UnitStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUnitBody = Static<typeof UpdateUnitBody>;

// ---------------------------------------------------------------------------------------------
// API keys

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.String({ description: 'the first characters of the secret, to tell keys apart' }),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when the key stops working (open live streams close too); null: never',
  }),
});
export type ApiKey = Static<typeof ApiKey>;

export const CreatedApiKey = Type.Object({
  ...ApiKey.properties,
  secret: Type.Union([Type.String(), Type.Null()], {
    description:
      'the key itself, shown only in this response (only its hash is stored); null when an Idempotency-Key ' +
      'replay answers: revoke that key and create another if the first response was lost',
  }),
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const ApiKeyPage = Page(ApiKey);
export type ApiKeyPage = Static<typeof ApiKeyPage>;

export const ApiKeyParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ListApiKeysQuery = Type.Object(
  {
    role: Type.Optional(Role),
    agency: Type.Optional(Type.String({ format: 'uuid' })),
    revoked: Type.Optional(Type.Boolean({ description: 'true: only revoked keys; false: only usable ones' })),
    limit: Limit(500, 100),
    cursor: Cursor,
  },
  { additionalProperties: false },
);
export type ListApiKeysQuery = Static<typeof ListApiKeysQuery>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Text(120),
    role: Role,
    agencyId: Type.Optional(
      Type.String({ format: 'uuid', description: 'required for (and only for) the agency role' }),
    ),
    expiresAt: Type.Optional(
      Type.String({
        format: 'date-time',
        'x-sigap-max-days-ahead': 3660,
        description: 'when the key stops working, up to 10 years ahead; default never',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;
