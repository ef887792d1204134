import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings } from '../src/tenants/defaults.js';
import { applySettingsPatch, contradictoryTarget, overridesOf } from '../src/tenants/settings.js';

/** Tenant settings as merge patches of stored overrides (no database needed). */
describe('overridesOf', () => {
  it('keeps only known settings of the right type from whatever is stored', () => {
    expect(overridesOf(null)).toEqual({});
    expect(overridesOf('junk')).toEqual({});
    expect(
      overridesOf({
        prankThreshold: 5,
        softBlockHours: '24',
        autoDispatchP1: true,
        legacy: 1,
        targets: { P1: { acknowledgeS: 60, onSceneS: -5, extra: 1 }, P2: 'x', P9: { acknowledgeS: 1 } },
      }),
    ).toEqual({ prankThreshold: 5, autoDispatchP1: true, targets: { P1: { acknowledgeS: 60 } } });
  });
});

describe('applySettingsPatch', () => {
  it('sets, keeps and removes overrides; empty groups disappear', () => {
    const stored = { prankThreshold: 5, targets: { P1: { acknowledgeS: 90 }, P2: { onSceneS: 1800 } } };
    expect(applySettingsPatch(stored, {})).toEqual(stored);
    expect(applySettingsPatch(stored, { softBlockHours: 12 })).toEqual({ ...stored, softBlockHours: 12 });
    expect(
      applySettingsPatch(stored, { prankThreshold: null, targets: { P1: { acknowledgeS: null } } }),
    ).toEqual({
      targets: { P2: { onSceneS: 1800 } },
    });
    expect(applySettingsPatch(stored, { targets: null })).toEqual({ prankThreshold: 5 });
    expect(applySettingsPatch(stored, { targets: { P2: null, P3: { resolveS: 7200 } } })).toEqual({
      prankThreshold: 5,
      targets: { P1: { acknowledgeS: 90 }, P3: { resolveS: 7200 } },
    });
    // The stored value itself is not mutated.
    expect(stored).toEqual({
      prankThreshold: 5,
      targets: { P1: { acknowledgeS: 90 }, P2: { onSceneS: 1800 } },
    });
  });

  it('resolves to the defaults once every override is removed', () => {
    const patched = applySettingsPatch(
      { duplicateRadiusM: 50, targets: { P3: { acknowledgeS: 60 } } },
      {
        duplicateRadiusM: null,
        targets: { P3: { acknowledgeS: null } },
      },
    );
    expect(patched).toEqual({});
    expect(resolveSettings(patched)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('contradictoryTarget', () => {
  it('accepts the defaults and flags on scene before acknowledged, or resolved before on scene', () => {
    expect(contradictoryTarget(DEFAULT_SETTINGS.targets)).toBeNull();
    const targets = structuredClone(DEFAULT_SETTINGS.targets);
    targets.P1.onSceneS = 60;
    expect(contradictoryTarget(targets)?.path).toBe('/body/settings/targets/P1/onSceneS');
    const other = structuredClone(DEFAULT_SETTINGS.targets);
    other.P2.resolveS = 120;
    expect(contradictoryTarget(other)?.path).toBe('/body/settings/targets/P2/resolveS');
  });
});
