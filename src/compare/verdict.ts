import { METRICS, metricDef, type MetricDef } from '../metrics/catalog.ts';
import { scenarioOf, type BaselineEntry } from '../baseline/history.ts';
import { mixSeed } from '../load/random.ts';
import {
  COMPARISON_SCHEMA,
  type ChangePoint,
  type Comparison,
  type EngineComparison,
  type EngineResult,
  type HistoryPoint,
  type MetricComparison,
  type Mode,
  type RunResult,
  type Scenario,
  type ScenarioSummary,
  type SloViolation,
  type Verdict,
} from '../types.ts';
import { strongestChangePoint } from './changepoint.ts';
import { decide, worstVerdict, type FailOn } from './gate.ts';
import { selectBaseline, type BaselineSelection } from './select.ts';
import {
  adjustPValues,
  checkConfidence,
  geometricMeanRatio,
  mean,
  RUN_EFFECT_ALPHA,
  runComponents,
  runsStandardError,
  runTest,
  studentTQuantile,
  variance,
  type Correction,
  type RunComponents,
  type VarianceModel,
} from './stats.ts';

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

export type EffectRule = 'estimate' | 'interval';

export interface CompareOptions {
  readonly mode: Mode;
  /** Confidence level of intervals; α = 1 − confidence is the family-wise significance level. */
  readonly confidence?: number;
  readonly correction?: Correction;
  /** Per-metric tolerances that override the scenario's and the catalog's. */
  readonly tolerances?: Readonly<Record<string, number>>;
  /** Compare with a baseline whose fingerprint differs (the differences are still reported). */
  readonly allowFingerprintMismatch?: boolean;
  /** How the baseline's noise is modelled (default 'runs': run-to-run variation included). */
  readonly variance?: VarianceModel;
  readonly effectRule?: EffectRule;
  readonly failOn?: FailOn;
  readonly failOnMissingBaseline?: boolean;
  /** Compare with at most the newest W matching runs (default: every stored one). */
  readonly window?: number;
  /** Seed of the change-point permutation tests (default: the run's seed). */
  readonly seed?: number;
}

/**
 * The scenario name of the comparisons over the whole scenario set (per repetition, the geometric
 * mean over scenarios). Scenario names are lowercase words and dashes, so it never collides.
 */
export const SUITE = 'all scenarios';

/** Key metrics whose history the report charts. */
export const CHART_METRICS: readonly string[] = ['output_throughput', 'ttft_p95', 'tpot_p50'];

/** runsToSettle is null when even this many repetitions would not settle a result. */
export const RUNS_TO_SETTLE_MAX = 100;

// ---------- one metric ----------

interface Estimate {
  readonly ratio: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  /** The effect on the scale the test ran on: log ratio, or change relative to the baseline mean. */
  readonly effect: number;
  /** The tolerance on that scale. */
  readonly bounds: readonly [number, number];
  /** Standard error and degrees of freedom the test would have with n current repetitions. */
  readonly predict: (n: number) => { readonly se: number; readonly df: number };
}

const sd = (xs: readonly number[]): number => (xs.length < 2 ? 0 : Math.sqrt(variance(xs)));

/** Variance components for the 'runs' model, on the scale the test runs on; null where it cannot have them. */
function componentsFor(runs: readonly (readonly number[])[], c: readonly number[], requested: VarianceModel): RunComponents | null {
  if (requested !== 'runs' || runs.length < 2 || runs.some((r) => r.length === 0) || c.length === 0) return null;
  return runComponents(runs, c);
}

/**
 * The 'runs' model keeps the run-to-run part only where the runs show one: with a single stored run
 * it cannot be seen, and where the run means vary no more than their repetitions imply (F test at
 * RUN_EFFECT_ALPHA) the pooled test, with its far more degrees of freedom, stands in.
 */
function effectiveModel(requested: VarianceModel, components: RunComponents | null): VarianceModel {
  if (requested !== 'runs') return requested;
  return components !== null && components.runEffectP < RUN_EFFECT_ALPHA ? 'runs' : 'pooled';
}

function feasible(runs: readonly (readonly number[])[], nc: number, model: VarianceModel): boolean {
  if (model === 'runs') return runs.length >= 2 && nc >= 1;
  const nb = runs.reduce((n, r) => n + r.length, 0);
  return model === 'welch' ? nb >= 2 && nc >= 2 : nb >= 1 && nc >= 1 && nb + nc >= 3;
}

/**
 * Predicted standard error of the effect for n current repetitions, on a scale multiplied by
 * `scale`. The sample spreads are computed on first use: only inconclusive results need them.
 */
function predictor(runs: readonly (readonly number[])[], c: readonly number[], model: VarianceModel, scale: number, components: RunComponents | null): Estimate['predict'] {
  if (model === 'runs' && components !== null) {
    return (n) => {
      const { se, df } = runsStandardError(components, n);
      return { se: se * scale, df };
    };
  }
  const b = runs.flat();
  const nb = b.length;
  let spread: { sb: number; sc: number } | null = null;
  const spreads = (): { sb: number; sc: number } => (spread ??= { sb: sd(b), sc: sd(c) });
  if (model === 'welch') {
    return (n) => {
      const { sb, sc } = spreads();
      const vb = (sb * sb) / nb;
      const vc = (sc * sc) / n;
      const v = vb + vc;
      const df = v > 0 ? (v * v) / ((vb * vb) / (nb - 1) + (vc * vc) / (n - 1)) : nb + n - 2;
      return { se: Math.sqrt(v) * scale, df };
    };
  }
  return (n) => {
    const { sb, sc } = spreads();
    const sp = Math.sqrt(((nb - 1) * sb * sb + (c.length - 1) * sc * sc) / (nb + c.length - 2));
    return { se: sp * Math.sqrt(1 / n + 1 / nb) * scale, df: nb + n - 2 };
  };
}

const positive = (v: number): boolean => v > 0 && Number.isFinite(v);

function estimate(runs: readonly (readonly number[])[], c: readonly number[], tolerance: number, confidence: number, requested: VarianceModel): Estimate | null {
  const b = runs.flat();
  const logs = b.every(positive) && c.every(positive);
  // Whether runs differ is judged on the scale the test runs on.
  const components = logs ? componentsFor(runs.map((r) => r.map(Math.log)), c.map(Math.log), requested) : componentsFor(runs, c, requested);
  const model = effectiveModel(requested, components);
  if (!feasible(runs, c.length, model)) return null;
  if (logs) {
    const r = geometricMeanRatio(runs, c, confidence, model, components ?? undefined);
    return {
      ratio: r.ratio,
      ci: r.ci,
      pValue: r.test.pTwoSided,
      effect: r.test.diff,
      bounds: [Math.log1p(-tolerance), Math.log1p(tolerance)],
      predict: predictor(r.logRuns, r.logCurrent, model, 1, components),
    };
  }
  const base = model === 'runs' ? mean(runs.map(mean)) : mean(b);
  if (!(base > 0)) {
    // Nothing to scale a change by; only "the same zeros again" can be judged.
    const unchanged = b.every((v) => v === b[0]) && c.every((v) => v === b[0]);
    return unchanged ? { ratio: 1, ci: [1, 1], pValue: 1, effect: 0, bounds: [-tolerance, tolerance], predict: () => ({ se: 0, df: 1 }) } : null;
  }
  const t = runTest(runs, c, model, components ?? undefined);
  const effect = t.diff / base;
  const half = (studentTQuantile(1 - (1 - confidence) / 2, t.df) * t.se) / base;
  return {
    ratio: 1 + effect,
    ci: [1 + effect - half, 1 + effect + half],
    pValue: t.pTwoSided,
    effect,
    bounds: [-tolerance, tolerance],
    predict: predictor(runs, c, model, 1 / base, components),
  };
}

function judge(def: MetricDef, tolerance: number, est: Estimate, adjustedP: number, alpha: number, rule: EffectRule): Verdict {
  const [lo, hi] = est.ci;
  const floor = 1 - tolerance;
  const ceiling = 1 + tolerance;
  const below = rule === 'interval' ? hi < floor : est.ratio < floor;
  const above = rule === 'interval' ? lo > ceiling : est.ratio > ceiling;
  const worse = def.direction === 'higher-is-better' ? below : above;
  const better = def.direction === 'higher-is-better' ? above : below;
  if (adjustedP < alpha && worse) return 'regression';
  if (adjustedP < alpha && better) return 'improvement';
  if (lo >= floor && hi <= ceiling) return 'no-change';
  return 'inconclusive';
}

/**
 * Current repetitions after which, if the estimate and the variance stayed as observed, the result
 * would be decided: an estimate beyond the tolerance would become significant after correction
 * (judged at the Bonferroni level, which Holm and BH never need more than), or an estimate within
 * it would get an interval inside ±tolerance. Null when more than RUNS_TO_SETTLE_MAX would be needed.
 */
function runsToSettle(est: Estimate, rule: EffectRule, alpha: number, family: number, currentN: number): number | null {
  const [lo, hi] = est.bounds;
  const e = est.effect;
  const beyond = e < lo || e > hi;
  const settled = (n: number): boolean => {
    const { se, df } = est.predict(n);
    if (beyond) {
      const margin = rule === 'interval' ? (e > hi ? e - hi : lo - e) : Math.abs(e);
      return margin >= studentTQuantile(1 - alpha / (2 * family), df) * se;
    }
    return studentTQuantile(1 - alpha / 2, df) * se <= Math.min(hi - e, e - lo);
  };
  let low = currentN + 1;
  let high = RUNS_TO_SETTLE_MAX;
  if (low > high || !settled(high)) return null;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (settled(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

// ---------- options ----------

function checkTolerance(value: unknown, where: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${where}: expected a relative tolerance from 0 to below 1 (0.05 = 5%), got ${JSON.stringify(value)}`);
  }
}

function checkMetricRecord(record: Readonly<Record<string, number>>, where: string, check: (v: unknown, at: string) => void): void {
  for (const [name, value] of Object.entries(record)) {
    try {
      metricDef(name);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    check(value, `${where}.${name}`);
  }
}

function checkLimit(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where}: expected a finite number, got ${JSON.stringify(value)}`);
}

/** The run's scenario definitions by name (tolerances and absolute limits come from them), checked. */
function scenarioMap(opts: CompareOptions, run: RunResult): Map<string, Scenario> {
  const byName = new Map(run.scenarioSet.definitions.map((s) => [s.name, s]));
  for (const name of run.scenarioSet.names) {
    if (!byName.has(name)) throw new Error(`compare: the run's scenario set lists "${name}" but holds no definition for it`);
  }
  for (const s of byName.values()) {
    checkMetricRecord(s.tolerances, `scenario "${s.name}" tolerances`, checkTolerance);
    checkMetricRecord(s.limits, `scenario "${s.name}" limits`, checkLimit);
  }
  if (opts.tolerances) checkMetricRecord(opts.tolerances, 'tolerances', checkTolerance);
  return byName;
}

// ---------- one engine ----------

interface StoredRun {
  readonly entry: BaselineEntry;
  /** Per-repetition values of the metric in that run. */
  readonly values: readonly number[];
}

interface Cell {
  readonly engine: string;
  /** A scenario name, or SUITE for the whole scenario set. */
  readonly scenario: string;
  readonly def: MetricDef;
  readonly tolerance: number;
  readonly runs: readonly StoredRun[];
  readonly baseline: readonly number[];
  readonly current: readonly number[];
  /** The scenario has no result in some repetition of the current run. */
  readonly missing: boolean;
  readonly estimate: Estimate | null;
}

interface EnginePlan {
  readonly engine: EngineResult;
  readonly selection: BaselineSelection;
  readonly cells: readonly Cell[];
}

function summariesOf(engine: EngineResult, scenario: string): ScenarioSummary[] | null {
  const out: ScenarioSummary[] = [];
  for (const rep of engine.repetitions) {
    const s = rep.scenarios.find((x) => x.scenario === scenario);
    if (!s) return null;
    out.push(s);
  }
  return out.length > 0 ? out : null;
}

function storedRuns(entries: readonly BaselineEntry[], scenario: string, metric: string): StoredRun[] {
  const out: StoredRun[] = [];
  for (const entry of entries) {
    const s = scenarioOf(entry, scenario);
    if (s && Object.hasOwn(s.values, metric)) out.push({ entry, values: s.values[metric] });
  }
  return out;
}

/** Per repetition, the geometric mean over scenarios; null unless every scenario has a positive value in every repetition. */
function suiteValues(perScenario: readonly (readonly number[])[]): number[] | null {
  const reps = perScenario[0].length;
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    let sum = 0;
    for (const xs of perScenario) {
      if (xs.length !== reps || !positive(xs[r])) return null;
      sum += Math.log(xs[r]);
    }
    out.push(Math.exp(sum / perScenario.length));
  }
  return out;
}

/**
 * The metric over the whole scenario set, per repetition (a suite score, as benchmark suites take
 * a geometric mean over their parts). A slowdown that touches every scenario shows up here with
 * the noise of six scenarios averaged away; computing it per repetition keeps whatever the
 * scenarios of one repetition share (the machine's state) in its variance.
 */
function suiteCell(cells: readonly Cell[], def: MetricDef, tolerance: number, opts: CompareOptions): Cell | null {
  if (cells.length < 2 || cells.some((c) => c.missing)) return null;
  const current = suiteValues(cells.map((c) => c.current));
  if (!current) return null;
  const byEntry = cells.map((c) => new Map(c.runs.map((r) => [r.entry, r.values])));
  const runs: StoredRun[] = [];
  for (const { entry } of cells[0].runs) {
    const parts = byEntry.map((m) => m.get(entry));
    const values = parts.every((v) => v !== undefined) ? suiteValues(parts as number[][]) : null;
    if (values) runs.push({ entry, values });
  }
  const baseline = runs.flatMap((r) => r.values);
  const est = baseline.length > 0 ? estimate(runs.map((r) => r.values), current, tolerance, opts.confidence ?? 0.95, opts.variance ?? 'runs') : null;
  return { engine: cells[0].engine, scenario: SUITE, def, tolerance, runs, baseline, current, missing: false, estimate: est };
}

function planEngine(engine: EngineResult, run: RunResult, history: readonly BaselineEntry[], scenarios: Map<string, Scenario>, opts: CompareOptions): EnginePlan {
  const selected = selectBaseline(history, engine, run, opts.allowFingerprintMismatch ?? false);
  const selection = opts.window ? { ...selected, entries: selected.entries.slice(-opts.window) } : selected;
  if (engine.status !== 'ok') return { engine, selection, cells: [] };
  const confidence = opts.confidence ?? 0.95;
  const summaries = new Map(run.scenarioSet.names.map((name) => [name, summariesOf(engine, name)]));
  const cells: Cell[] = [];
  for (const def of METRICS) {
    const perScenario = run.scenarioSet.names.map((scenario): Cell => {
      const reps = summaries.get(scenario);
      const tolerance = opts.tolerances?.[def.name] ?? scenarios.get(scenario)!.tolerances[def.name] ?? def.tolerance;
      const current = reps ? reps.map((s) => def.read(s)) : [];
      const runs = storedRuns(selection.entries, scenario, def.name);
      const baseline = runs.flatMap((r) => r.values);
      const est = reps && baseline.length > 0 ? estimate(runs.map((r) => r.values), current, tolerance, confidence, opts.variance ?? 'runs') : null;
      return { engine: engine.engine, scenario, def, tolerance, runs, baseline, current, missing: !reps, estimate: est };
    });
    cells.push(...perScenario);
    const suite = suiteCell(perScenario, def, opts.tolerances?.[def.name] ?? def.tolerance, opts);
    if (suite) cells.push(suite);
  }
  return { engine, selection, cells };
}

function chartSeries(plan: EnginePlan, run: RunResult): EngineComparison['history'] {
  if (plan.engine.status !== 'ok') return [];
  return run.scenarioSet.names.flatMap((scenario) =>
    CHART_METRICS.map((metric) => {
      const points: HistoryPoint[] = [];
      for (const e of plan.selection.entries) {
        const s = scenarioOf(e, scenario);
        if (s && Object.hasOwn(s.pooled, metric)) points.push({ createdAt: e.createdAt, sha: e.sha, value: s.pooled[metric] });
      }
      const pooled = plan.engine.pooled.find((p) => p.scenario === scenario);
      if (pooled) points.push({ createdAt: run.createdAt, sha: run.source.sha, value: metricDef(metric).read(pooled) });
      return { scenario, metric, points };
    }),
  );
}

// ---------- change points ----------

interface Series {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  /** Each stored run, then the current one: when and from which commit, and the repetitions' values. */
  readonly runs: readonly { readonly createdAt: string; readonly sha: string | null; readonly values: readonly number[] }[];
}

function seriesOf(plans: readonly EnginePlan[], run: RunResult): Series[] {
  const out: Series[] = [];
  for (const plan of plans) {
    if (plan.selection.status !== 'ok') continue;
    for (const cell of plan.cells) {
      if (cell.missing) continue;
      const runs = cell.runs.map((r) => ({ createdAt: r.entry.createdAt, sha: r.entry.sha, values: r.values }));
      runs.push({ createdAt: run.createdAt, sha: run.source.sha, values: cell.current });
      out.push({ engine: cell.engine, scenario: cell.scenario, metric: cell.def.name, runs });
    }
  }
  return out;
}

function changePoints(plans: readonly EnginePlan[], run: RunResult, alpha: number, correction: Correction, seed: number): ChangePoint[] {
  const series = seriesOf(plans, run);
  // Enough permutations that the smallest reachable p-value is well below the first Holm step.
  const permutations = Math.max(999, Math.ceil((10 * series.length) / alpha));
  const found = series.flatMap((s, i) => {
    const r = strongestChangePoint(
      s.runs.map((x) => x.values),
      { seed: mixSeed(seed, i), permutations },
    );
    return r ? [{ s, r }] : [];
  });
  const adjusted = adjustPValues(
    found.map((f) => f.r.pValue),
    correction,
  );
  return found.flatMap(({ s, r }, i) => {
    if (!(adjusted[i] < alpha)) return [];
    const at = s.runs[r.index];
    return [{ engine: s.engine, scenario: s.scenario, metric: s.metric, index: r.index, sha: at.sha, createdAt: at.createdAt, before: r.before, after: r.after, pValue: adjusted[i] }];
  });
}

// ---------- SLO limits ----------

function sloViolations(run: RunResult, scenarios: Map<string, Scenario>): SloViolation[] {
  const out: SloViolation[] = [];
  for (const engine of run.engines) {
    if (engine.status !== 'ok') continue;
    for (const name of run.scenarioSet.names) {
      const pooled = engine.pooled.find((p) => p.scenario === name);
      if (!pooled) continue;
      for (const [metric, limit] of Object.entries(scenarios.get(name)!.limits)) {
        const def = metricDef(metric);
        const value = def.read(pooled);
        const violated = def.direction === 'higher-is-better' ? value < limit : value > limit;
        if (violated) out.push({ engine: engine.engine, scenario: name, metric, limit, value });
      }
    }
  }
  return out;
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
  const scenarios = scenarioMap(opts, current);
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
