import type { TravelOrigin, TravelTimeProvider } from './types.js';

/** Walking pace, metres per second: an emergency vehicle slower than this is a routing error. */
const WALK_MPS = 1.4;
/** Short trips may take a while to start (a gate, a U-turn): no pace check below this many seconds. */
const GRACE_S = 120;

/** Why a provider's travel time cannot be right, or null when it is plausible. */
export function implausibleTravelTime(seconds: number, origin: TravelOrigin): string | null {
  if (!Number.isFinite(seconds)) return 'not a finite number';
  if (seconds < 0) return 'negative';
  if (seconds > GRACE_S && origin.distanceM / seconds < WALK_MPS) return 'slower than walking';
  return null;
}

/**
 * Guards a routing provider (OSRM): a duration that is negative, not finite or slower than
 * walking the straight line is dropped, with a log line, so the recommendation uses the
 * straight-line estimate for that unit instead of ranking it first with a negative ETA.
 */
export function validatedTravelTime(
  inner: TravelTimeProvider,
  log: { warn(obj: unknown, msg: string): void },
): TravelTimeProvider {
  return {
    name: inner.name,
    async durations(origins, destination, signal) {
      const routed = await inner.durations(origins, destination, signal);
      return origins.map((origin, i) => {
        const seconds = routed[i];
        if (seconds === null || seconds === undefined) return null;
        const reason = implausibleTravelTime(seconds, origin);
        if (reason === null) return seconds;
        log.warn(
          { provider: inner.name, seconds, distanceM: Math.round(origin.distanceM), reason },
          'travel time rejected; using the straight-line estimate',
        );
        return null;
      });
    },
  };
}
