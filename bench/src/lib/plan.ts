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
  /** The fixed-rate intake latency run (PostgreSQL; the embedded backend runs at its own rate). */
  latencyRate: number;
  embeddedLatencyRate: number;
  latencySec: number;
  /** Rates tried upwards after the fixed one, each for latencyStepSec (full run only). */
  latencySteps: number[];
  latencyStepSec: number;
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
  /** Overload rows: slow connections held by one key, report clients beside intake, seconds each. */
  slowConnections: number;
  reportClients: number;
  overloadSec: number;
}

export function makePlan(quick: boolean): Plan {
  const common = {
    quick,
    clientCounts: [16, 64],
    latencyRate: 300,
    embeddedLatencyRate: 50,
    latencySteps: [400, 500, 650, 800, 1000, 1300],
    unitSizes: [1_000, 10_000, 100_000],
    fanoutClients: [100, 1_000],
    fanoutRate: 100,
    reportRuns: 3,
    slowConnections: 1_000,
    reportClients: 32,
  };
  return quick
    ? {
        ...common,
        loadSec: 1.5,
        warmupSec: 0.5,
        latencySec: 2,
        latencyStepSec: 2,
        overloadSec: 3,
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
        latencySec: 60,
        latencyStepSec: 20,
        overloadSec: 20,
        knnQueries: 2_000,
        bruteQueries: 50,
        fanoutSec: 8,
        historyIncidents: 100_000,
        reportIncidents: 1_000_000,
      };
}
