import type { BaselineEntry } from '../baseline/history.ts';
import { COMPARISON_SCHEMA, type Comparison, type EngineComparison, type MetricComparison, type Mode, type RunResult, type Verdict } from '../types.ts';
import { planEngine, SUITE, type Cell, type CellOptions, type EnginePlan } from './cells.ts';
import { censoredVerdict } from './censored.ts';
import { metricUnit } from '../metrics/catalog.ts';
import { adjustedInterval, contrastRegression, judge, noiseSplit, runsToSettle, whyInconclusive, worstPlausible, type EffectRule, type Estimate } from './estimation.ts';
import type { FailOn } from './advice.ts';
import { decide, worstVerdict } from './gate.ts';
import { scenarioMap, sloViolations } from './limits.ts';
import { changePoints, chartSeries } from './series.ts';
import { adjustPValues, checkConfidence, type Correction } from './stats.ts';

export { SUITE } from './cells.ts';
export { CHART_METRICS } from './series.ts';
export { RUNS_TO_SETTLE_MAX, type EffectRule } from './estimation.ts';

// Per engine × scenario × metric — and per engine × metric over the whole scenario set — how the
// current job's runs compare with the baseline's.
//
// Effect: ratio of geometric means current / baseline (a t-test on log values; metrics that can be
// zero, like goodput, on their own scale). The unit is the run — one engine start with its warm-up
// and repetitions — each summarised by the trimmed mean of its repetitions (estimation.ts, and
// stats.ts runsTest for why this stays calibrated in the far tail with and without a run effect).
// 'pooled' and 'welch' (every repetition as independent) stay available for comparison only: under
// whole-run noise they alarm on unchanged runs (bench/gate.ts).
//
// The whole-scenario-set comparison (scenario SUITE) takes, per repetition, the geometric mean of
// the metric over all scenarios, like a benchmark suite's score: an engine-wide slowdown shows up
// there with the noise of the scenarios averaged away. It belongs to the same family as the
// per-scenario comparisons.
//
// Decision, with α = 1 − confidence and p adjusted over the whole family (every metric of every
// scenario, and of the suite, of every engine, and each scenario's contrast with the rest of the
// set; weighted Holm by default):
//   regression   adjusted p < α and the estimate is beyond the tolerance in the bad direction; or
//                the same holds for the cell's contrast (a scenario's with the rest of the set, a
//                whole-set cell's with the engine's other metrics) and its own estimate is beyond
//                the tolerance in the bad direction too (cells.ts)
//   improvement  adjusted p < α and the estimate is beyond the tolerance in the good direction
//   no-change    both one-sided bounds at the confidence level lie within ±tolerance (the
//                equivalence test of two one-sided tests at α, estimation.ts withinTolerance)
//   inconclusive otherwise, with why and the runs that would likely settle it
// Every cell also carries the bad side of its one-sided interval at the confidence level: release
// mode's non-inferiority test on the suite cells (no correction over them: every one must hold
// for a release to pass, so testing each at α keeps the chance of passing a bad release ≤ α).

export interface CompareOptions extends CellOptions {
  readonly mode: Mode;
  readonly correction?: Correction;
  readonly effectRule?: EffectRule;
  readonly failOn?: FailOn;
  readonly failOnMissingBaseline?: boolean;
  /** Seed of the change-point permutation tests (default: the run's seed). */
  readonly seed?: number;
}

// ---------- the comparison ----------

/**
 * Share of a cell's α that goes to its contrast: half, for a scenario's (measured below) and a
 * whole-set cell's alike (the one constant keeps the two families' levels simple to state). The
 * contrast, moderated (cells.ts), has the degrees of freedom a short history lacks; the scenario's
 * own test has only its runs' (bench:gate's model (c7), 3 stored runs: −10% in one scenario found
 * in 69% of 300 jobs at a half, 65% at a quarter; false alarms 0.6% and 0.4% of 2,000; at three
 * quarters 72% and 0.7%, and at 2 stored runs 0.6% against 0.3% at a half).
 */
const CONTRAST_SHARE = 0.5;

/**
 * Compares a run with the stored history (entries of every key: each engine finds its own) and
 * applies the gate policy of the mode.
 */
export function compare(history: readonly BaselineEntry[], current: RunResult, opts: CompareOptions): Comparison {
  const confidence = opts.confidence ?? 0.95;
  checkConfidence(confidence);
  if (opts.window !== undefined && !(Number.isInteger(opts.window) && opts.window >= 1)) {
    throw new Error(`compare: window must be a whole number of runs ≥ 1, got ${JSON.stringify(opts.window)}`);
  }
  const alpha = 1 - confidence;
  const correction = opts.correction ?? 'holm';
  const rule = opts.effectRule ?? 'estimate';
  const scenarios = scenarioMap(current, opts.tolerances);
  const plans = current.engines.map((e) => planEngine(e, current, history, scenarios, opts));

  // Regressions and improvements are one-sided questions, each family adjusted on its own: the
  // chance of any false regression stays ≤ α (and of any false improvement), and the one-sided
  // quantile at the per-cell α is what lets the run-level test catch the changes the targets ask for.
  // The regression family also holds every cell's contrast (a scenario's with the rest of the set,
  // a whole-set cell's with the engine's other metrics): the chance of any false regression, by
  // either test, stays ≤ α. The family is weighted (weighted Holm or BH): each cell keeps its share
  // of α, split CONTRAST_SHARE to its contrast and the rest to its own test — so a change the
  // contrast sees (one scenario, or a few metrics, against a run effect) is tested where that
  // effect divides out, and the own test keeps half its level, which matters most where the
  // history is short and the t quantiles at these levels are steep (bench/gate.ts measures both).
  // Each whole-set cell weighs as much as the scenario cells of its metric together (hierarchical
  // weighting: half of a metric's α to the whole set, half to its scenarios): an engine-wide change,
  // the common case, is tested at 6× the per-cell α of a flat family, and Holm passes the α of
  // whatever it rejects on to the rest, so the level stays α whatever the weights.
  const family = plans.flatMap((p) => p.cells).filter((c) => !c.missing && c.estimate !== null);
  const contrasted = family.filter((c) => c.contrast !== null);
  const badP = (c: Cell, e: Estimate): number => (c.def.direction === 'higher-is-better' ? e.pLess : e.pGreater);
  const goodP = (c: Cell, e: Estimate): number => (c.def.direction === 'higher-is-better' ? e.pGreater : e.pLess);
  const suiteWeight = current.scenarioSet.names.length;
  // A cell's weight before its contrast takes its share: a whole-set cell weighs its metric's scenarios together.
  const cellWeight = (c: Cell): number => (c.scenario === SUITE ? suiteWeight : 1);
  const weight = (c: Cell): number => cellWeight(c) * (c.contrast ? 1 - CONTRAST_SHARE : 1);
  const contrastWeights = contrasted.map((c) => cellWeight(c) * CONTRAST_SHARE);
  const worsePs = family.map((c) => badP(c, c.estimate!));
  const betterPs = family.map((c) => goodP(c, c.estimate!));
  const weights = family.map(weight);
  const adjustedWorseAll = adjustPValues([...worsePs, ...contrasted.map((c) => badP(c, c.contrast!))], correction, [...weights, ...contrastWeights]);
  const adjustedWorse = adjustedWorseAll.slice(0, family.length);
  const adjustedContrast = new Map(contrasted.map((c, i) => [c, adjustedWorseAll[family.length + i]]));
  const adjustedBetter = adjustPValues(betterPs, correction);
  // Per cell: the adjusted one-sided p-value of the direction its estimate points to.
  const adjusted = new Map(family.map((c, i) => [c, worsePs[i] <= betterPs[i] ? { p: adjustedWorse[i], worse: true } : { p: adjustedBetter[i], worse: false }]));
  // A cell's Bonferroni share of α in the regression family.
  const totalWeight = [...weights, ...contrastWeights].reduce((a, b) => a + b, 0);
  const share = (c: Cell): number => weight(c) / totalWeight;

  const nonInferiority = (cell: Cell): { worstPlausible: number | null; nonInferior: boolean | null } => {
    if (!cell.estimate) return { worstPlausible: null, nonInferior: cell.baseline.length > 0 ? false : null };
    const bound = worstPlausible(cell.def, cell.estimate, confidence);
    const ok = cell.def.direction === 'higher-is-better' ? bound >= 1 - cell.tolerance : bound <= 1 + cell.tolerance;
    return { worstPlausible: bound, nonInferior: ok };
  };

  const metricOf = (plan: EnginePlan, cell: Cell): MetricComparison => {
    const est = cell.estimate;
    const adj = adjusted.get(cell) ?? null;
    const adjustedP = adj?.p ?? null;
    let verdict: Verdict;
    if (cell.missing) verdict = 'error';
    else if (plan.selection.status !== 'ok') verdict = plan.selection.status;
    else if (cell.baseline.length === 0) verdict = 'no-baseline';
    else if (!est || adjustedP === null) verdict = 'inconclusive';
    else verdict = judge(cell.def, cell.tolerance, est, adj!.worse ? { worse: adjustedP, better: 1 } : { worse: 1, better: adjustedP }, alpha, rule);
    // A capacity below the lowest load tried supports a verdict in one direction only (censored.ts).
    if (cell.censored) verdict = censoredVerdict(cell.censored.kind, verdict);
    // Improvements are one plain Holm family over the cells: a cell's Bonferroni share is 1 / its size.
    const adjustedCi = est && adj ? adjustedInterval(cell.def, est, alpha * share(cell), alpha / family.length) : null;
    const contrastP = adjustedContrast.get(cell);
    const decided = verdict !== 'regression' && verdict !== 'error' && plan.selection.status === 'ok' && est !== null && contrastP !== undefined && contrastRegression(cell.def, cell.tolerance, est, cell.contrast!, contrastP, alpha, rule);
    if (decided) verdict = 'regression';
    return {
      engine: cell.engine,
      scenario: cell.scenario,
      metric: cell.def.name,
      baseline: cell.baseline,
      current: cell.current,
      ratio: est?.ratio ?? null,
      ci: est?.ci ?? null,
      adjustedCi,
      pValue: est?.pValue ?? null,
      adjustedP,
      tolerance: cell.tolerance,
      verdict,
      runsToSettle: verdict === 'inconclusive' && est && !cell.censored ? runsToSettle(est, rule, alpha, share(cell), cell.currentRuns.length) : null,
      // A censored cell tested at its bounds is inconclusive for its bounds; one without a test, for what any cell lacks.
      why: verdict === 'inconclusive' ? (cell.censored && (est !== null || cell.censored.kind === 'unbounded') ? 'censored' : whyInconclusive(est, adjustedCi)) : null,
      error: cell.error,
      runs: { baseline: cell.runs.length, current: cell.currentRuns.length },
      noise: noiseSplit(est, Math.round(cell.current.length / Math.max(1, cell.currentRuns.length))),
      ...nonInferiority(cell),
      contrast: cell.contrast && contrastP !== undefined ? { ratio: cell.contrast.ratio, ci: cell.contrast.ci, adjustedP: contrastP, decided } : null,
      unit: metricUnit(cell.def, scenarios.get(cell.scenario)),
      ...(cell.censored ? { censored: cell.censored } : {}),
    };
  };

  const engines: EngineComparison[] = plans.map((plan) => {
    const metrics = plan.cells.map((c) => metricOf(plan, c));
    const fallback = plan.selection.status === 'ok' ? 'no-change' : plan.selection.status;
    return {
      engine: plan.engine.engine,
      verdict: plan.engine.status !== 'ok' ? 'error' : (worstVerdict(metrics.map((m) => m.verdict)) ?? fallback),
      baselineRuns: plan.selection.entries.length,
      fingerprintDiffs: plan.selection.diffs,
      ...(plan.selection.otherScenarioSet ? { otherScenarioSet: plan.selection.otherScenarioSet } : {}),
      metrics,
      history: chartSeries(plan, current),
    };
  });

  const cps = opts.mode === 'schedule' ? changePoints(plans, current, alpha, correction, opts.seed ?? current.seed) : [];
  const slo = sloViolations(current, scenarios);
  const engineErrors = Object.fromEntries(current.engines.filter((e) => e.status !== 'ok').map((e) => [e.engine, e.error ?? 'no error message']));
  const gate = decide(
    { engines, changePoints: cps, sloViolations: slo, engineErrors, sequential: current.sequential },
    { mode: opts.mode, failOn: opts.failOn ?? 'regression', failOnMissingBaseline: opts.failOnMissingBaseline ?? false },
  );
  return { schema: COMPARISON_SCHEMA, mode: opts.mode, confidence, correction, engines, changePoints: cps, sloViolations: slo, gate };
}
