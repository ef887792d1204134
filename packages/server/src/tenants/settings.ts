import type { Priority, TenantSettingsOverrides, TenantSettingsPatch } from '@sigap/contract';
import { DEFAULT_SETTINGS, type PriorityTargets, type TenantSettings } from './defaults.js';

const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3'];
const TARGET_KEYS = ['acknowledgeS', 'onSceneS', 'resolveS'] as const;
const SCALAR_KEYS = [
  'prankThreshold',
  'prankWindowDays',
  'softBlockHours',
  'reopenWindowHours',
  'duplicateRadiusM',
  'duplicateWindowMinutes',
  'autoDispatchP1',
  'callerRateLimitPerMinute',
  'anonymousCallRateLimitPerMinute',
  'geocodeConfidenceThreshold',
  'desaPointRadiusM',
] as const satisfies readonly (keyof TenantSettings)[];

type Overrides = TenantSettingsOverrides;
type TargetOverrides = NonNullable<NonNullable<Overrides['targets']>['P1']>;
type WatchdogOverrides = NonNullable<NonNullable<Overrides['watchdog']>['P1']>;
const WATCHDOG_KEYS = ['verifyS', 'dispatchS'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/**
 * The overrides as stored in `tenants.settings`, keeping only known settings of the right type
 * (a row written by an older version, or by hand, cannot break the API's response).
 */
export function overridesOf(stored: unknown): Overrides {
  const s = isObject(stored) ? stored : {};
  const out: Overrides = {};
  for (const key of SCALAR_KEYS) {
    const value = s[key];
    if (typeof value === typeof DEFAULT_SETTINGS[key]) (out as Record<string, unknown>)[key] = value;
  }
  if (isObject(s.targets)) {
    const targets: NonNullable<Overrides['targets']> = {};
    for (const p of PRIORITIES) {
      const stored = s.targets[p];
      if (!isObject(stored)) continue;
      const t: TargetOverrides = {};
      for (const k of TARGET_KEYS) if (isPositiveInt(stored[k])) t[k] = stored[k];
      if (Object.keys(t).length > 0) targets[p] = t;
    }
    if (Object.keys(targets).length > 0) out.targets = targets;
  }
  if (isObject(s.watchdog)) {
    const watchdog: NonNullable<Overrides['watchdog']> = {};
    for (const p of PRIORITIES) {
      const stored = s.watchdog[p];
      if (!isObject(stored)) continue;
      const w: WatchdogOverrides = {};
      for (const k of WATCHDOG_KEYS) if (isPositiveInt(stored[k])) w[k] = stored[k];
      if (Object.keys(w).length > 0) watchdog[p] = w;
    }
    if (Object.keys(watchdog).length > 0) out.watchdog = watchdog;
  }
  return out;
}

/**
 * Applies a merge patch (RFC 7396) to the stored overrides: a value sets an override, `null`
 * removes it so the built-in default applies again, a missing field changes nothing.
 *
 * @example
 * applySettingsPatch({ prankThreshold: 5 }, { prankThreshold: null, targets: { P1: { acknowledgeS: 90 } } })
 * // → { targets: { P1: { acknowledgeS: 90 } } }
 */
export function applySettingsPatch(stored: unknown, patch: TenantSettingsPatch): Overrides {
  const out = overridesOf(stored);
  const record = out as Record<string, unknown>;
  for (const key of SCALAR_KEYS) {
    const value = patch[key];
    if (value === null) delete record[key];
    else if (value !== undefined) record[key] = value;
  }
  if (patch.targets === null) delete out.targets;
  else if (patch.targets !== undefined) {
    const targets = { ...out.targets };
    for (const p of PRIORITIES) {
      const pPatch = patch.targets[p];
      if (pPatch === null) delete targets[p];
      else if (pPatch !== undefined) {
        const t: TargetOverrides = { ...targets[p] };
        for (const k of TARGET_KEYS) {
          const value = pPatch[k];
          if (value === null) delete t[k];
          else if (value !== undefined) t[k] = value;
        }
        if (Object.keys(t).length > 0) targets[p] = t;
        else delete targets[p];
      }
    }
    if (Object.keys(targets).length > 0) out.targets = targets;
    else delete out.targets;
  }
  if (patch.watchdog === null) delete out.watchdog;
  else if (patch.watchdog !== undefined) {
    const watchdog = { ...out.watchdog };
    for (const p of PRIORITIES) {
      const pPatch = patch.watchdog[p];
      if (pPatch === null) delete watchdog[p];
      else if (pPatch !== undefined) {
        const w: WatchdogOverrides = { ...watchdog[p] };
        for (const k of WATCHDOG_KEYS) {
          const value = pPatch[k];
          if (value === null) delete w[k];
          else if (value !== undefined) w[k] = value;
        }
        if (Object.keys(w).length > 0) watchdog[p] = w;
        else delete watchdog[p];
      }
    }
    if (Object.keys(watchdog).length > 0) out.watchdog = watchdog;
    else delete out.watchdog;
  }
  return out;
}

/**
 * Targets that contradict each other: an agency cannot be expected on scene before it has
 * acknowledged, nor to resolve before it is on scene. Returns the offending field's path.
 */
export function contradictoryTarget(
  targets: Record<Priority, PriorityTargets>,
): { path: string; message: string } | null {
  for (const p of PRIORITIES) {
    const { acknowledgeS, onSceneS, resolveS } = targets[p];
    if (acknowledgeS !== null && onSceneS !== null && onSceneS < acknowledgeS) {
      return {
        path: `/body/settings/targets/${p}/onSceneS`,
        message: `must not be shorter than the acknowledge target (${acknowledgeS} s)`,
      };
    }
    const before = onSceneS ?? acknowledgeS;
    if (before !== null && resolveS !== null && resolveS < before) {
      return {
        path: `/body/settings/targets/${p}/resolveS`,
        message: `must not be shorter than the earlier targets (${before} s)`,
      };
    }
  }
  return null;
}
