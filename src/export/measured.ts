import { ALL_METRICS, CAPACITY_METRIC, censoredBound, metricApplies, metricUnit, metricValue, type MetricDef } from '../metrics/catalog.ts';
import { capacityText } from '../report/capacity.ts';
import { RESULTS_SCHEMA, type EngineResult, type RunResult, type Scenario, type ScenarioSummary } from '../types.ts';

// What every interop export draws from: the scenarios whose numbers are real. A failed engine's
// summaries describe a server that died or never started, and a scenario with no completed request
// has latency distributions of zeros; other tools cannot tell those from measurements, so neither
// is exported.

export interface MeasuredScenario {
  readonly engine: EngineResult;
  /** All repetitions' requests pooled: the value every format reports. */
  readonly pooled: ScenarioSummary;
  /** The same scenario in each repetition that completed a request: the spread around the value. */
  readonly repetitions: readonly ScenarioSummary[];
  /** The catalog metrics the scenario has a value of (a capacity search: its capacity, when it found one). */
  readonly metrics: readonly MetricDef[];
  /** The scenario's definition (undefined in results that lack it): what a metric's unit depends on. */
  readonly scenario: Scenario | undefined;
  /**
   * A capacity known only from above (the search missed even its lowest load): absent from
   * `metrics`, since every format reads a metric's value as a measurement, and carried here so
   * each format can say it its own way.
   */
  readonly bound?: CensoredValue;
}

/** A value below a bound: the pooled capacity of a search whose lowest probe missed. */
export interface CensoredValue {
  readonly metric: MetricDef;
  /** The pooled bound: the true value is below it. */
  readonly below: number;
  readonly unit: string;
  /** Each repetition's capacity as read: "2", or "< 1" below its lowest load tried. */
  readonly repetitions: readonly string[];
}

/** The ok engines' scenarios that completed at least one request, in the run's order. */
export function measuredScenarios(run: RunResult): MeasuredScenario[] {
  if (run.schema !== RESULTS_SCHEMA) throw new Error(`export: results schema is "${String(run.schema)}", expected "${RESULTS_SCHEMA}"`);
  const measured: MeasuredScenario[] = [];
  const seen = new Set<string>();
  for (const engine of run.engines) {
    if (engine.status !== 'ok') continue;
    for (const pooled of engine.pooled) {
      if (pooled.completed === 0) continue;
      const key = `${engine.engine}/${pooled.scenario}`;
      // Two entries with one name would overwrite each other in every format.
      if (seen.has(key)) throw new Error(`export: "${key}" appears twice among the engines' pooled summaries; expected one per engine and scenario`);
      seen.add(key);
      const repetitions = engine.repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === pooled.scenario && s.completed > 0));
      const scenario = run.scenarioSet.definitions.find((d) => d.name === pooled.scenario);
      const metrics = ALL_METRICS.filter(
        (m) => (scenario === undefined ? m.scope === 'load' : metricApplies(m, scenario)) && [pooled, ...repetitions].every((s) => m.scope === 'load' || metricValue(m, s) !== null),
      );
      const below = censoredBound(CAPACITY_METRIC, pooled);
      if (below !== null && !(Number.isFinite(below) && below > 0)) throw new Error(`export: ${key}: the capacity's bound (capacity.firstMiss) is ${below}, expected a finite number above 0`);
      const bound: CensoredValue | null =
        below === null ? null : { metric: CAPACITY_METRIC, below, unit: metricUnit(CAPACITY_METRIC, scenario), repetitions: repetitions.map((s) => (s.capacity ? capacityText(s.capacity) : '—')) };
      measured.push({ engine, pooled, repetitions, metrics, scenario, ...(bound ? { bound } : {}) });
    }
  }
  return measured;
}

/**
 * A metric of a summary, checked to be a finite number ≥ 0: JSON writes NaN as null and none of
 * the target formats accepts that, so a damaged results file fails here, named, instead of there.
 */
export function readMetric(metric: MetricDef, summary: ScenarioSummary, where: string): number {
  const value = metric.read(summary);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`export: ${where}: ${metric.name} is ${String(value)}, expected a finite number ≥ 0`);
  }
  return value;
}
