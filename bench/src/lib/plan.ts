/**
 * Sizes and durations. `--quick` (CI smoke, under 2 minutes for both backends) keeps every
 * measurement but shortens it; the full run (under 15 minutes) uses the sizes of the issue.
 */
export interface Plan {
  quick: boolean;
  /** Closed-loop runs (intake, HTTP overhead, geocoding): seconds measured, after a warm-up. */
  loadSec: number;
  warmupSec: number;
  clientCounts: number[];
  /** The fixed-rate intake latency run. */
  latencyRate: number;
  latencySec: number;
  unitSizes: number[];
  knnQueries: number;
  bruteQueries: number;
  fanoutClients: number[];
  fanoutRate: number;
  fanoutSec: number;
  /** Past incidents (a year of them) in the demo tenant: the memory row's "100k incidents". */
  historyIncidents: number;
  /** Incidents of the reports tenant on PostgreSQL (0: the reports run on the demo tenant's history). */
  reportIncidents: number;
  reportRuns: number;
}

export function makePlan(quick: boolean): Plan {
  const common = {
    quick,
    clientCounts: [16, 64],
    latencyRate: 300,
    unitSizes: [1_000, 10_000, 100_000],
    fanoutClients: [100, 1_000],
    fanoutRate: 100,
    reportRuns: 3,
  };
  return quick
    ? {
        ...common,
        loadSec: 1.5,
        warmupSec: 0.5,
        latencySec: 2,
        knnQueries: 100,
        bruteQueries: 5,
        fanoutSec: 1,
        historyIncidents: 5_000,
        reportIncidents: 0,
      }
    : {
        ...common,
        loadSec: 10,
        warmupSec: 3,
        latencySec: 15,
        knnQueries: 2_000,
        bruteQueries: 50,
        fanoutSec: 8,
        historyIncidents: 100_000,
        reportIncidents: 1_000_000,
      };
}
