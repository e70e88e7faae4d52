import type { BaselineEntry } from '../baseline/history.ts';
import { COMPARISON_SCHEMA, type Comparison, type EngineComparison, type MetricComparison, type Mode, type RunResult, type Verdict } from '../types.ts';
import { planEngine, type Cell, type CellOptions, type EnginePlan } from './cells.ts';
import { judge, runsToSettle, type EffectRule } from './estimation.ts';
import { decide, worstVerdict, type FailOn } from './gate.ts';
import { scenarioMap, sloViolations } from './limits.ts';
import { changePoints, chartSeries } from './series.ts';
import { adjustPValues, checkConfidence, type Correction } from './stats.ts';

export { SUITE } from './cells.ts';
export { CHART_METRICS } from './series.ts';
export { RUNS_TO_SETTLE_MAX, type EffectRule } from './estimation.ts';

// Per engine × scenario × metric — and per engine × metric over the whole scenario set — how the
// current run's repetitions compare with the baseline's.
//
// Effect: ratio of geometric means current / baseline (a t-test on log values; metrics that can be
// zero, like goodput, fall back to the arithmetic means). The baseline is runs of repetitions:
// repetitions of one run share that run's conditions (server start, clocks, heat, neighbours), so
// whole runs can differ more than their repetitions do. The default 'runs' model estimates that
// run-to-run variance from the stored runs (variance components, Welch–Satterthwaite degrees of
// freedom) and counts it once for the current run: an end-to-end check with whole-run noise
// (bench/gate-e2e.ts, and bench/gate.ts's run-effect rows) alarmed on unchanged runs when the
// repetitions were taken as independent. When the runs vary no more than their repetitions imply,
// it comes to the pooled test, whose within-run variance is shared across the baseline (same key:
// same GPU, same software). With one stored run the run-to-run part cannot be seen and the pooled
// test stands in. 'pooled' and 'welch' (which must trust the current run's own three or five
// values, too often tiny at a family correction's tail probabilities) stay available.
//
// The whole-scenario-set comparison (scenario SUITE) takes, per repetition, the geometric mean of
// the metric over all scenarios, like a benchmark suite's score: an engine-wide slowdown shows up
// there with the noise of the scenarios averaged away, which is what makes a 5% change detectable
// with three repetitions. It belongs to the same family as the per-scenario comparisons.
//
// Decision, with α = 1 − confidence and p adjusted over the whole family (every metric of every
// scenario, and of the suite, of every engine; Holm by default):
//   regression   adjusted p < α and the estimate is beyond the tolerance in the bad direction
//   improvement  adjusted p < α and the estimate is beyond the tolerance in the good direction
//   no-change    the confidence interval lies within ±tolerance (an equivalence test)
//   inconclusive otherwise, with the repetitions that would likely settle it
// Significance after family-wise correction bounds false alarms; the tolerance on the estimate
// keeps tiny-but-significant changes from failing the gate. The stricter rule — the whole interval
// beyond the tolerance — is `effectRule: 'interval'`: sound too, but it misses changes just above
// the tolerance (benchmark, 3 repetitions: 27% instead of 75% of 10% p95-TTFT regressions caught).

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

  const family = plans.flatMap((p) => p.cells).filter((c) => !c.missing && c.estimate !== null);
  const adjustedList = adjustPValues(
    family.map((c) => c.estimate!.pValue),
    correction,
  );
  const adjusted = new Map(family.map((c, i) => [c, adjustedList[i]]));

  const metricOf = (plan: EnginePlan, cell: Cell): MetricComparison => {
    const est = cell.estimate;
    const adjustedP = adjusted.get(cell) ?? null;
    let verdict: Verdict;
    if (cell.missing) verdict = 'error';
    else if (plan.selection.status !== 'ok') verdict = plan.selection.status;
    else if (cell.baseline.length === 0) verdict = 'no-baseline';
    else if (!est || adjustedP === null) verdict = 'inconclusive';
    else verdict = judge(cell.def, cell.tolerance, est, adjustedP, alpha, rule);
    return {
      engine: cell.engine,
      scenario: cell.scenario,
      metric: cell.def.name,
      baseline: cell.baseline,
      current: cell.current,
      ratio: est?.ratio ?? null,
      ci: est?.ci ?? null,
      pValue: est?.pValue ?? null,
      adjustedP,
      tolerance: cell.tolerance,
      verdict,
      runsToSettle: verdict === 'inconclusive' && est ? runsToSettle(est, rule, alpha, family.length, cell.current.length) : null,
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
      metrics,
      history: chartSeries(plan, current),
    };
  });

  const cps = opts.mode === 'schedule' ? changePoints(plans, current, alpha, correction, opts.seed ?? current.seed) : [];
  const slo = sloViolations(current, scenarios);
  const engineErrors = Object.fromEntries(current.engines.filter((e) => e.status !== 'ok').map((e) => [e.engine, e.error ?? 'no error message']));
  const gate = decide(
    { engines, changePoints: cps, sloViolations: slo, engineErrors },
    { mode: opts.mode, failOn: opts.failOn ?? 'regression', failOnMissingBaseline: opts.failOnMissingBaseline ?? false },
  );
  return { schema: COMPARISON_SCHEMA, mode: opts.mode, confidence, correction, engines, changePoints: cps, sloViolations: slo, gate };
}
