import Type, { type Static } from 'typebox';
import { Priority } from './enums.js';

// The fleet model (issue 15): what kinds of unit a tenant has, and what each category of
// incident needs (the response plan the recommendation fills).

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const UnitTypeCode = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  description: 'e.g. fire_engine, ambulance_als, boat',
});

const Capability = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: 'e.g. water_rescue' });

/** A kind of unit: built in (every tenant has it) or added by the tenant. A unit's `kind` is one. */
export const UnitType = Type.Object({
  code: Type.String(),
  labelId: Type.String(),
  labelEn: Type.String(),
  capabilities: Type.Array(Type.String()),
  builtIn: Type.Boolean({ description: 'built-in types exist for every tenant and cannot be changed' }),
});
export type UnitType = Static<typeof UnitType>;

export const UnitTypeList = Type.Object({ items: Type.Array(UnitType) });
export type UnitTypeList = Static<typeof UnitTypeList>;

export const UnitTypeParams = Type.Object({ code: UnitTypeCode });

/** Creates or replaces one of the tenant's own unit types. */
export const PutUnitTypeBody = Type.Object(
  {
    labelId: Text(120),
    labelEn: Text(120),
    capabilities: Type.Optional(Type.Array(Capability, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type PutUnitTypeBody = Static<typeof PutUnitTypeBody>;

/** `count` units of one type; `agencyTypes` limits which agencies' units may fill it. */
export const PlanSlot = Type.Object(
  {
    unitType: UnitTypeCode,
    count: Type.Integer({ minimum: 1, maximum: 20 }),
    agencyTypes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Z0-9_]{2,20}$' }), { minItems: 1, maxItems: 10 }),
    ),
  },
  { additionalProperties: false },
);
export type PlanSlot = Static<typeof PlanSlot>;

/** When a rule applies: every condition given must hold. */
export const PlanCondition = Type.Object(
  {
    priority: Type.Optional(Type.Array(Priority, { minItems: 1, maxItems: 3 })),
    victimsAtLeast: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    trapped: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ResponsePlanBody = Type.Object(
  {
    slots: Type.Array(PlanSlot, { maxItems: 20 }),
    rules: Type.Optional(
      Type.Array(
        Type.Object(
          { when: PlanCondition, add: Type.Array(PlanSlot, { minItems: 1, maxItems: 10 }) },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ResponsePlanBody = Static<typeof ResponsePlanBody>;

export const ResponsePlan = Type.Object({
  category: Type.String(),
  slots: Type.Array(PlanSlot),
  rules: Type.Array(Type.Object({ when: PlanCondition, add: Type.Array(PlanSlot) })),
  custom: Type.Boolean({ description: 'false: the built-in default plan of the category' }),
});
export type ResponsePlan = Static<typeof ResponsePlan>;

export const ResponsePlanList = Type.Object({ items: Type.Array(ResponsePlan) });

export const ResponsePlanParams = Type.Object({
  category: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
});

/** Releases one unit (or agency) from an incident that is still running. */
export const ReleaseAssignmentBody = Type.Object(
  { reason: Type.Optional(Text(500)) },
  { additionalProperties: false },
);
export type ReleaseAssignmentBody = Static<typeof ReleaseAssignmentBody>;
