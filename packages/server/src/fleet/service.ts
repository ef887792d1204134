import type {
  PlanSlot,
  Priority,
  PutUnitTypeBody,
  ResponsePlan,
  ResponsePlanBody,
  UnitType,
} from '@sigap/contract';
import { appendEvent } from '../audit/events.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { invalid, run } from '../tenants/admin-common.js';
import { BUILT_IN_CODES, BUILT_IN_UNIT_TYPES, DEFAULT_PLANS } from './defaults.js';
import * as sql from './sql.js';

/** The part of an incident's condition that plans look at. */
type Condition = { victims?: number; trapped?: boolean };

// --- Unit types ---------------------------------------------------------------------------------

/** Built-in types first (in their documented order), then the tenant's own by code. */
export async function listUnitTypes(tx: Queryable, tenantId: string): Promise<UnitType[]> {
  const { rows } = await run<{ code: string; label_id: string; label_en: string; capabilities: string[] }>(
    tx,
    sql.listOwnUnitTypes(tenantId),
  );
  return [
    ...BUILT_IN_UNIT_TYPES.map((t) => ({ ...t, capabilities: [...t.capabilities], builtIn: true })),
    ...rows.map((r) => ({
      code: r.code,
      labelId: r.label_id,
      labelEn: r.label_en,
      capabilities: r.capabilities,
      builtIn: false,
    })),
  ];
}

/** The codes among `codes` that are neither built in nor the tenant's own. */
export async function unknownUnitTypes(tx: Queryable, tenantId: string, codes: string[]): Promise<string[]> {
  const candidates = [...new Set(codes.filter((c) => !BUILT_IN_CODES.has(c)))];
  if (candidates.length === 0) return [];
  const { rows } = await run<{ code: string }>(tx, sql.ownUnitTypesAmong(tenantId, candidates));
  const own = new Set(rows.map((r) => r.code));
  return candidates.filter((c) => !own.has(c));
}

/** 400 on `path` when `kind` is not a unit type of the tenant (the admin unit API). */
export async function assertUnitType(tx: Queryable, tenantId: string, kind: string, path: string) {
  if ((await unknownUnitTypes(tx, tenantId, [kind])).length > 0) {
    throw invalid(path, 'unknown_unit_type', `is not a unit type of this tenant (see GET /v1/unit-types)`);
  }
}

/** Creates or replaces one of the tenant's own unit types; built-in ones cannot be changed. */
export async function putUnitType(
  tx: Queryable,
  principal: Principal,
  code: string,
  body: PutUnitTypeBody,
): Promise<UnitType> {
  if (BUILT_IN_CODES.has(code)) {
    throw new ApiError('SIGAP_ERR_CONFLICT', `${code} is a built-in unit type and cannot be changed.`);
  }
  const capabilities = body.capabilities ?? [];
  const { rows } = await run<{ inserted: boolean }>(
    tx,
    sql.upsertUnitType(principal.tenantId, {
      code,
      labelId: body.labelId,
      labelEn: body.labelEn,
      capabilities,
    }),
  );
  await appendEvent(tx, principal.tenantId, {
    type: rows[0]?.inserted ? 'admin.unit_type_created' : 'admin.unit_type_updated',
    actor: actorOf(principal),
    payload: { code, ...body, capabilities },
  });
  return { code, labelId: body.labelId, labelEn: body.labelEn, capabilities, builtIn: false };
}

// --- Response plans -----------------------------------------------------------------------------

const EMPTY_PLAN: ResponsePlanBody = { slots: [], rules: [] };

function toPlan(category: string, body: ResponsePlanBody, custom: boolean): ResponsePlan {
  return { category, slots: body.slots, rules: body.rules ?? [], custom };
}

/** The plan in force for a category: the tenant's own, else the built-in default, else empty. */
export async function planFor(tx: Queryable, tenantId: string, category: string): Promise<ResponsePlan> {
  const { rows } = await run<{ plan: ResponsePlanBody }>(tx, sql.selectOwnPlan(tenantId, category));
  if (rows[0]) return toPlan(category, rows[0].plan, true);
  return toPlan(category, DEFAULT_PLANS[category] ?? EMPTY_PLAN, false);
}

/** Every category's plan in force, by category code. */
export async function listPlans(tx: Queryable, tenantId: string): Promise<ResponsePlan[]> {
  const { rows: categories } = await run<{ code: string }>(tx, sql.categoryCodes(tenantId));
  const { rows: own } = await run<{ category: string; plan: ResponsePlanBody }>(
    tx,
    sql.listOwnPlans(tenantId),
  );
  const byCategory = new Map(own.map((r) => [r.category, r.plan]));
  return categories.map(({ code }) => {
    const plan = byCategory.get(code);
    return plan ? toPlan(code, plan, true) : toPlan(code, DEFAULT_PLANS[code] ?? EMPTY_PLAN, false);
  });
}

async function assertCategory(tx: Queryable, tenantId: string, category: string) {
  const { rows } = await run<{ code: string }>(tx, sql.categoryCodes(tenantId));
  if (!rows.some((r) => r.code === category)) {
    throw new ApiError('SIGAP_ERR_NOT_FOUND', `Category ${category} not found.`);
  }
}

/** The plan in force for a category of the tenant; 404 for an unknown category. */
export async function getPlan(tx: Queryable, tenantId: string, category: string): Promise<ResponsePlan> {
  await assertCategory(tx, tenantId, category);
  return planFor(tx, tenantId, category);
}

/** Replaces a category's plan. Every unit type it names must exist for the tenant. */
export async function putPlan(
  tx: Queryable,
  principal: Principal,
  category: string,
  body: ResponsePlanBody,
): Promise<ResponsePlan> {
  const tenantId = principal.tenantId;
  await assertCategory(tx, tenantId, category);
  const named: { path: string; unitType: string }[] = [
    ...body.slots.map((s, i) => ({ path: `/body/slots/${i}/unitType`, unitType: s.unitType })),
    ...(body.rules ?? []).flatMap((r, i) =>
      r.add.map((s, j) => ({ path: `/body/rules/${i}/add/${j}/unitType`, unitType: s.unitType })),
    ),
  ];
  const unknown = new Set(
    await unknownUnitTypes(
      tx,
      tenantId,
      named.map((n) => n.unitType),
    ),
  );
  const first = named.find((n) => unknown.has(n.unitType));
  if (first) throw invalid(first.path, 'unknown_unit_type', 'is not a unit type of this tenant');
  const plan = { slots: body.slots, rules: body.rules ?? [] };
  await run(tx, sql.upsertPlan(tenantId, category, plan));
  await appendEvent(tx, tenantId, {
    type: 'admin.response_plan_updated',
    actor: actorOf(principal),
    payload: { category, plan },
  });
  return toPlan(category, plan, true);
}

/** Drops the tenant's own plan: the category goes back to the built-in default. */
export async function resetPlan(
  tx: Queryable,
  principal: Principal,
  category: string,
): Promise<ResponsePlan> {
  await assertCategory(tx, principal.tenantId, category);
  const { rowCount } = await run(tx, sql.deletePlan(principal.tenantId, category));
  if (rowCount > 0) {
    await appendEvent(tx, principal.tenantId, {
      type: 'admin.response_plan_reset',
      actor: actorOf(principal),
      payload: { category },
    });
  }
  return planFor(tx, principal.tenantId, category);
}

/** One slot of the plan as it applies to one incident, with why it is there. */
export interface EffectiveSlot extends PlanSlot {
  because: string;
}

function describeCondition(when: ResponsePlan['rules'][number]['when']): string {
  const parts: string[] = [];
  if (when.priority) parts.push(`priority ${when.priority.join('/')}`);
  if (when.victimsAtLeast !== undefined) parts.push(`victims >= ${when.victimsAtLeast}`);
  if (when.trapped !== undefined) parts.push(`trapped ${when.trapped}`);
  return parts.join(' and ') || 'always';
}

/**
 * The slots a plan asks of one incident: its base slots plus those of every rule whose
 * conditions all hold. Slots for the same unit type and agencies are added together
 * (a landslide with people trapped: 1 + 1 rescue teams = 2).
 *
 * @example
 * effectiveSlots(firePlan, 'P1', { victims: 2 })
 * // → fire_engine ×2 (plan), rescue ×1 (plan), ambulance_als ×1 (victims >= 1)
 */
export function effectiveSlots(
  plan: ResponsePlan,
  priority: Priority,
  condition: Condition,
): EffectiveSlot[] {
  const out: EffectiveSlot[] = [];
  const add = (slot: PlanSlot, because: string) => {
    const key = (s: PlanSlot) => `${s.unitType}|${(s.agencyTypes ?? []).join(',')}`;
    const same = out.find((s) => key(s) === key(slot));
    if (same) {
      same.count += slot.count;
      if (!same.because.includes(because)) same.because += `, ${because}`;
    } else out.push({ ...slot, because });
  };
  for (const slot of plan.slots) add(slot, 'plan');
  for (const rule of plan.rules) {
    const w = rule.when;
    if (w.priority && !w.priority.includes(priority)) continue;
    if (w.victimsAtLeast !== undefined && (condition.victims ?? 0) < w.victimsAtLeast) continue;
    if (w.trapped !== undefined && (condition.trapped ?? false) !== w.trapped) continue;
    for (const slot of rule.add) add(slot, describeCondition(w));
  }
  return out;
}
