import { capacityReading } from '../capacity.ts';
import type { Distribution, Scenario, ScenarioSummary } from '../types.ts';

// The metrics the gate compares, one place for their name, unit, direction and default
// tolerance. Everything that ranks, compares or prints a metric reads it from here.
//
// A tolerance is the smallest change worth failing a pull request for, not a noise allowance:
// noise is handled by the significance test (Holm-corrected over the whole family), which turns
// noisy differences into "inconclusive", never into alarms. The measured run-to-run noise
// (docs/benchmarks/2026-11-28-h200: CV per repetition of 4-8% for throughput and 7-22% for TPOT p50
// with `transformers serve` on a shared H200, after the first repetition; the first one ran up to
// 2x slower, hence the warm-up repetition) therefore sets the repetitions, not these numbers:
// tail latencies (p95, TTFT) vary most between runs and get the widest tolerances; p50 latencies
// and throughput, steadiest, the tightest. A regression also needs its estimate beyond the
// tolerance, so a tolerance must sit far enough below the smallest change the gate is to catch:
// p95 TTFT's 7.5% leaves a +10% change 1.4 standard errors above it at the defaults, caught
// ≥ 90% of the time (README, "Where a target sits at the edge"; 8% left 1.1 and caught 86–89%).

export type Direction = 'higher-is-better' | 'lower-is-better';

export interface MetricDef {
  readonly name: string;
  readonly label: string;
  readonly unit: string;
  readonly direction: Direction;
  /** Relative change below which a difference is not a regression even when significant. */
  readonly tolerance: number;
  readonly read: (s: ScenarioSummary) => number;
  /** The distribution a latency metric is a statistic of (an empty one has no value). */
  readonly sample?: (s: ScenarioSummary) => Distribution;
  /**
   * Whether 0 is a measurement (goodput: no request met its SLO) rather than a sign that nothing
   * was measured (0 tok/s from a run that completed requests, a 0 ms latency).
   */
  readonly zeroMeasured: boolean;
  /**
   * Which scenarios have the metric: 'load' scenarios (a fixed load: every metric but capacity) or
   * 'capacity' scenarios (a search, whose one compared figure is the load it found).
   */
  readonly scope: 'load' | 'capacity';
}

const def = (
  name: string,
  label: string,
  unit: string,
  direction: Direction,
  tolerance: number,
  read: (s: ScenarioSummary) => number,
  sample?: (s: ScenarioSummary) => Distribution,
): MetricDef => Object.freeze({ name, label, unit, direction, tolerance, read, zeroMeasured: name === 'goodput', scope: 'load', ...(sample ? { sample } : {}) });

export const METRICS: readonly MetricDef[] = Object.freeze([
  def('output_throughput', 'Output tokens/s', 'tok/s', 'higher-is-better', 0.03, (s) => s.outputThroughput),
  def('request_throughput', 'Requests/s', 'req/s', 'higher-is-better', 0.03, (s) => s.requestThroughput),
  def('goodput', 'Goodput', 'req/s', 'higher-is-better', 0.05, (s) => s.goodput),
  def('ttft_p50', 'TTFT p50', 'ms', 'lower-is-better', 0.05, (s) => s.ttftMs.p50, (s) => s.ttftMs),
  def('ttft_p95', 'TTFT p95', 'ms', 'lower-is-better', 0.075, (s) => s.ttftMs.p95, (s) => s.ttftMs),
  def('tpot_p50', 'TPOT p50', 'ms', 'lower-is-better', 0.03, (s) => s.tpotMs.p50, (s) => s.tpotMs),
  def('tpot_p95', 'TPOT p95', 'ms', 'lower-is-better', 0.05, (s) => s.tpotMs.p95, (s) => s.tpotMs),
  def('itl_p95', 'ITL p95', 'ms', 'lower-is-better', 0.05, (s) => s.itlMs.p95, (s) => s.itlMs),
  def('e2el_p50', 'E2E latency p50', 'ms', 'lower-is-better', 0.03, (s) => s.e2elMs.p50, (s) => s.e2elMs),
]);

/**
 * The one metric of a capacity scenario: the highest load (requests/s, or concurrent requests)
 * within its SLOs. Its tolerance covers the search's resolution (10% by default: a repetition's
 * capacity sits anywhere in the last bracket) as well as a real loss of headroom. Its unit is the
 * search's (metricUnit); this one names both where no scenario is at hand.
 */
export const CAPACITY_METRIC: MetricDef = Object.freeze({
  name: 'capacity',
  label: 'Capacity at SLO',
  unit: 'req/s or concurrent requests',
  direction: 'higher-is-better',
  tolerance: 0.1,
  read: (s: ScenarioSummary) => s.capacity?.capacity ?? NaN,
  zeroMeasured: false,
  scope: 'capacity',
});

/** Every metric the gate compares: the fixed-load ones (METRICS) and capacity. */
export const ALL_METRICS: readonly MetricDef[] = Object.freeze([...METRICS, CAPACITY_METRIC]);

/** Whether a scenario has the metric (a capacity search has only capacity; fixed loads all but it). */
export function metricApplies(def: MetricDef, scenario: Scenario): boolean {
  return (scenario.load.kind === 'capacity') === (def.scope === 'capacity');
}

/** The unit of a capacity search's load: requests per second (rate) or concurrent requests. */
export const loadUnit = (over: 'rate' | 'concurrency'): string => (over === 'rate' ? 'req/s' : 'concurrent requests');

/** The metric's unit in a scenario: a capacity's is its search's (req/s or concurrent requests). */
export function metricUnit(def: MetricDef, scenario: Scenario | undefined): string {
  return def.scope === 'capacity' && scenario?.load.kind === 'capacity' ? loadUnit(scenario.load.over) : def.unit;
}

/**
 * The bound of a value known only from above, or null when the summary has a measurement (or
 * nothing). A capacity search whose lowest probe missed found no load the engine carries within
 * the SLOs: its capacity is below that load (a censored value: "< 0.5 req/s"), a real result that
 * is recorded and compared as a bound, never as 0 or as the bound itself (compare/censored.ts).
 */
export function censoredBound(def: MetricDef, s: ScenarioSummary): number | null {
  const r = def.scope === 'capacity' && s.capacity !== undefined ? capacityReading(s.capacity) : null;
  return r?.below ? r.value : null;
}

/**
 * The metric's value in a summary, or null when it has none: a latency statistic of an empty
 * distribution (no request produced it) is a missing value, never 0.
 */
export function metricValue(def: MetricDef, s: ScenarioSummary): number | null {
  if (def.sample && def.sample(s).n === 0) return null;
  if (def.scope === 'capacity' && (s.capacity === undefined || s.capacity.capacity === null)) return null;
  return def.read(s);
}

/**
 * What is wrong with a value of the metric, or null when it can be a measurement: it must be a
 * finite number above 0 (or 0 where 0 is measured). Zero throughput or a 0 ms latency from a run
 * that completed requests was not measured; read as a number it would be a −100% "improvement".
 */
export function valueProblem(def: MetricDef, v: number | null): string | null {
  if (v === null) return 'has no value (no request produced it)';
  if (Number.isFinite(v) && (v > 0 || (v === 0 && def.zeroMeasured))) return null;
  return `is ${v}, expected a finite number ${def.zeroMeasured ? '≥ 0' : 'above 0'}`;
}

const byName = new Map(ALL_METRICS.map((m) => [m.name, m]));

export function metricDef(name: string): MetricDef {
  const m = byName.get(name);
  if (!m) throw new Error(`unknown metric "${name}": expected one of ${ALL_METRICS.map((x) => x.name).join(', ')}`);
  return m;
}

export function metricNames(): string[] {
  return ALL_METRICS.map((m) => m.name);
}
