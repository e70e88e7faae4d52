import { ALL_METRICS, censoredBound, METRICS, metricApplies, metricValue, valueProblem, type MetricDef } from '../metrics/catalog.ts';
import { describeFailures, excessFailures } from '../metrics/failures.ts';
import { scenarioOf, type BaselineEntry } from '../baseline/history.ts';
import type { EngineResult, RunResult, Scenario, ScenarioSummary } from '../types.ts';
import { censoredKind, testable, type CensoredKind } from './censored.ts';
import { estimate, positive, type Estimate } from './estimation.ts';
import { netOfSharedFactor } from './run-effect.ts';
import { fitTrendPriors, moderate, pooledExcessKurtosis, squeezeVariances, tailDf, withTailDf, type SampleVariance } from './moderation.ts';
import { selectBaseline, type BaselineSelection } from './select.ts';
import { trimmedMean, withinPooled, type VarianceModel } from './stats.ts';

// The cells of one engine's comparison: per scenario × metric, the current run's repetitions and
// the stored runs' values, plus one cell per metric over the whole scenario set (SUITE).
//
// A scenario cell also carries its contrast: the scenario against the rest of the set, per
// repetition (its value over the geometric mean of the other scenarios'). Whatever a run shares
// across its scenarios — a slow card, a warm one, a neighbour — divides out of it, so a regression
// confined to one scenario stays visible when whole runs differ by more than it. A whole-set cell
// carries the like across metrics: the metric net of the run effect the engine's other metrics
// share (withMetricContrasts).

/**
 * The scenario name of the comparisons over the whole scenario set (per repetition, the geometric
 * mean over scenarios). Scenario names are lowercase words and dashes, so it never collides.
 */
export const SUITE = 'all scenarios';

/** What a cell's contrast is taken against, in words: the rest of the set for a scenario, the engine's other metrics for the whole set. */
export function contrastBasis(scenario: string): string {
  return scenario === SUITE ? "the engine's other metrics" : 'the other scenarios';
}

/** What the cells need of the comparison's options. */
export interface CellOptions {
  /** Confidence level of intervals; α = 1 − confidence is the family-wise significance level. */
  readonly confidence?: number;
  /** Per-metric tolerances that override the scenario's and the catalog's. */
  readonly tolerances?: Readonly<Record<string, number>>;
  /** Compare with a baseline whose fingerprint differs (the differences are still reported). */
  readonly allowFingerprintMismatch?: boolean;
  /** How the baseline's noise is modelled (default 'runs': run-to-run variation included). */
  readonly variance?: VarianceModel;
  /** Compare with at most the newest W matching runs (default: every stored one). */
  readonly window?: number;
  /** Share of failed requests above which an engine × scenario is an error (default 0). */
  readonly maxFailureRate?: number;
  /** Test each scenario against the rest of the set, and each whole-set metric against the engine's other metrics, too (default true; off only to measure what that adds). */
  readonly contrasts?: boolean;
  /** Moderate each metric's scenario contrasts' variances together (default true; off only to measure what that adds). */
  readonly moderation?: boolean;
}

export interface StoredRun {
  readonly entry: BaselineEntry;
  /** Per-repetition values of the metric in that run. */
  readonly values: readonly number[];
  /** Per repetition, whether the value is a bound (censored.ts), not a measurement. */
  readonly below: readonly boolean[];
}

export interface Cell {
  readonly engine: string;
  /** A scenario name, or SUITE for the whole scenario set. */
  readonly scenario: string;
  readonly def: MetricDef;
  readonly tolerance: number;
  readonly runs: readonly StoredRun[];
  readonly baseline: readonly number[];
  readonly current: readonly number[];
  /** The current values grouped by the job's run (independent engine start) they came from. */
  readonly currentRuns: readonly (readonly number[])[];
  /** The scenario has no result, or the metric no value, in some repetition of the current job. */
  readonly missing: boolean;
  /** Why the cell is an error (too many failed requests, a value that cannot be a measurement); null when the scenario has no result. */
  readonly error: string | null;
  readonly estimate: Estimate | null;
  /** The scenario against the rest of the scenario set; for SUITE, the metric net of the run effect the engine's other metrics share (null without data for it). */
  readonly contrast: Estimate | null;
  /** Per repetition, which of `baseline` and `current` are bounds (censored.ts); null when none is. */
  readonly censored: { readonly baseline: readonly boolean[]; readonly current: readonly boolean[]; readonly kind: CensoredKind } | null;
}

export interface EnginePlan {
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

/** Values grouped by run, in the order the runs first appear. */
export function groupByRun(values: readonly number[], runOf: readonly number[]): number[][] {
  const groups = new Map<number, number[]>();
  values.forEach((v, i) => {
    const g = groups.get(runOf[i]);
    if (g) g.push(v);
    else groups.set(runOf[i], [v]);
  });
  return [...groups.values()];
}

function storedRuns(entries: readonly BaselineEntry[], scenario: string, metric: string): StoredRun[] {
  const out: StoredRun[] = [];
  for (const entry of entries) {
    const s = scenarioOf(entry, scenario);
    if (s && Object.hasOwn(s.values, metric)) out.push({ entry, values: s.values[metric], below: s.below?.[metric] ?? s.values[metric].map(() => false) });
  }
  return out;
}

/**
 * Per repetition, the geometric mean over scenarios, weighted (weights summing to 1; equal without
 * them); null unless every scenario has a positive value in every repetition.
 */
function suiteValues(perScenario: readonly (readonly number[])[], weights?: readonly number[]): number[] | null {
  const reps = perScenario[0].length;
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    let sum = 0;
    for (const [s, xs] of perScenario.entries()) {
      if (xs.length !== reps || !positive(xs[r])) return null;
      sum += Math.log(xs[r]) * (weights ? weights[s] : 1 / perScenario.length);
    }
    out.push(Math.exp(sum));
  }
  return out;
}

/**
 * The within-run (repetition) variance of a scenario cell's logs, pooled over its stored runs and
 * the current job's runs; null where a value is not positive.
 */
function withinVariance(cell: Cell): SampleVariance | null {
  const runs = [...cell.runs.map((r) => r.values), ...cell.currentRuns];
  if (cell.missing || !runs.every((r) => r.every(positive))) return null;
  const { within, df } = withinPooled(runs.map((r) => r.map(Math.log)));
  return { variance: within, df };
}

/**
 * The most a scenario may weigh in its metric's whole-set cell, in equal shares: twice its own. A
 * scenario whose load is fixed (poisson's throughput is its arrival rate, 0.03% between
 * repetitions) would otherwise make the whole set its own and blind it to a slowdown everywhere
 * else; the cap also bounds what a within-run variance that came out small by chance can claim
 * (bench:gate: +5% TPOT at 3 stored runs under (c7) found 99% capped at 2, 88% uncapped).
 */
const SUITE_WEIGHT_CAP = 2;

/**
 * Per metric, the precision weights of its whole-set cell: each scenario weighs by the inverse of
 * its within-run variance, moderated over the metric's scenarios (moderation.ts squeezeVariances,
 * one d0 over every metric) and capped at SUITE_WEIGHT_CAP equal shares, so a scenario whose
 * repetitions scatter 4× more counts 4× less and a quiet one is not drowned by it. Why the
 * within-run variance and not the runs' own spread: under normal noise a run's repetitions'
 * spread is independent of its mean — a run effect shared by the repetitions cancels in it — so
 * weights read from it are fixed as far as the run means go, and the whole-set test on the
 * weighted runs keeps its exact t distribution; weights read from the run means' spread would be
 * chosen by the very spread the test then judges. Null for a metric (equal weights) where some
 * scenario has no usable within-run variance, or none has any spread.
 */
function suiteWeights(perMetric: readonly (readonly Cell[])[]): (number[] | null)[] {
  const read = perMetric.map((cells) => cells.map(withinVariance));
  const complete = read.map((vs) => (vs.every((v) => v !== null && v.df > 0) && vs.some((v) => v!.variance > 0) ? (vs as SampleVariance[]) : null));
  const squeezed = squeezeVariances(complete.map((vs) => vs ?? []));
  return complete.map((vs, k) => {
    if (!vs) return null;
    const inverse = squeezed[k].map((v) => 1 / v.variance);
    return inverse.every((x) => x > 0 && Number.isFinite(x)) ? cappedShares(inverse, SUITE_WEIGHT_CAP / inverse.length) : null;
  });
}

/**
 * Weights in proportion to `raw`, summing to 1, none above `cap` (the excess goes to the others in
 * proportion, as water fills).
 */
export function cappedShares(raw: readonly number[], cap: number): number[] {
  const out = new Array<number>(raw.length).fill(0);
  let free = raw.map((_, i) => i);
  let left = 1;
  for (;;) {
    const total = free.reduce((a, i) => a + raw[i], 0);
    const over = free.filter((i) => (left * raw[i]) / total > cap);
    if (over.length === 0) {
      for (const i of free) out[i] = (left * raw[i]) / total;
      return out;
    }
    for (const i of over) out[i] = cap;
    left -= cap * over.length;
    free = free.filter((i) => !over.includes(i));
  }
}

/**
 * The metric over the whole scenario set, per repetition (a suite score, as benchmark suites take
 * a geometric mean over their parts). A slowdown that touches every scenario shows up here with
 * the noise of six scenarios averaged away; computing it per repetition keeps whatever the
 * scenarios of one repetition share (the machine's state) in its variance.
 */
function suiteCell(cells: readonly Cell[], weights: readonly number[] | null, def: MetricDef, tolerance: number, runOf: readonly number[], opts: CellOptions): Cell | null {
  // A bound in a geometric mean bounds the whole mean, in a direction that differs cell by cell.
  if (cells.length < 2 || cells.some((c) => c.missing || c.censored !== null)) return null;
  const current = suiteValues(cells.map((c) => c.current), weights ?? undefined);
  if (!current) return null;
  const byEntry = cells.map((c) => new Map(c.runs.map((r) => [r.entry, r.values])));
  const runs: StoredRun[] = [];
  for (const { entry } of cells[0].runs) {
    const parts = byEntry.map((m) => m.get(entry));
    const values = parts.every((v) => v !== undefined) ? suiteValues(parts as number[][], weights ?? undefined) : null;
    if (values) runs.push({ entry, values, below: values.map(() => false) });
  }
  const baseline = runs.flatMap((r) => r.values);
  const currentRuns = groupByRun(current, runOf);
  const est = baseline.length > 0 ? estimate(runs.map((r) => r.values), currentRuns, tolerance, opts.confidence ?? 0.95, opts.variance ?? 'runs') : null;
  return { engine: cells[0].engine, scenario: SUITE, def, tolerance, runs, baseline, current, currentRuns, missing: false, error: null, estimate: est, contrast: null, censored: null };
}

/** Per repetition, each value over the geometric mean of the others' at that repetition; null unless all are positive. */
function againstRest(target: readonly number[], others: readonly (readonly number[])[]): number[] | null {
  const rest = suiteValues(others);
  if (!rest || target.length !== rest.length || !target.every(positive)) return null;
  return target.map((v, r) => v / rest[r]);
}

/** Each scenario cell's contrast with the rest of the set, on the runs both sides hold for every scenario. */
function withContrasts(cells: readonly Cell[], runOf: readonly number[], opts: CellOptions): Cell[] {
  if (opts.contrasts === false || cells.length < 2 || cells.some((c) => c.missing || c.estimate === null || c.censored !== null)) return [...cells];
  const byEntry = cells.map((c) => new Map(c.runs.map((r) => [r.entry, r.values])));
  return cells.map((cell, s) => {
    const others = (xs: readonly (readonly number[] | undefined)[]): (readonly number[])[] | null => {
      const rest = xs.filter((_, i) => i !== s);
      return rest.every((v) => v !== undefined) ? (rest as (readonly number[])[]) : null;
    };
    const current = againstRest(cell.current, others(cells.map((c) => c.current))!);
    const stored: number[][] = [];
    for (const { entry, values } of cell.runs) {
      const rest = others(byEntry.map((m) => m.get(entry)));
      const ratios = rest && againstRest(values, rest);
      if (ratios) stored.push(ratios);
    }
    const contrast = current && stored.length > 0 ? estimate(stored, groupByRun(current, runOf), cell.tolerance, opts.confidence ?? 0.95, opts.variance ?? 'runs') : null;
    return { ...cell, contrast };
  });
}

/**
 * Each whole-set cell's contrast with the engine's other metrics: per repetition, its value net of
 * the run effect they share (run-effect.ts), on the stored runs every usable whole-set cell holds.
 * A run effect moves every metric alike and divides out here, as a scenario contrast divides out
 * what a run's scenarios share, so a change confined to a few metrics (throughput alone) stands
 * clear of whole runs that differ by more than it (bench:gate's model (b): −5% throughput at 10
 * stored runs). A change of every metric alike cancels in the contrasts and is the plain test's.
 * Metrics with a value ≤ 0 somewhere (goodput 0) neither give nor get one.
 */
function withMetricContrasts(suites: readonly Cell[], runOf: readonly number[], opts: CellOptions): Cell[] {
  if (opts.contrasts === false) return [...suites];
  const usable = suites.filter((c) => c.estimate !== null && c.current.every(positive) && c.runs.every((r) => r.values.every(positive)));
  const byEntry = usable.map((c) => new Map(c.runs.map((r) => [r.entry, r.values])));
  const entries = (usable[0]?.runs ?? []).map((r) => r.entry).filter((e) => byEntry.every((m) => m.get(e)?.length === byEntry[0].get(e)!.length));
  if (entries.length === 0) return [...suites];
  const net = netOfSharedFactor(usable.map((c, m) => ({ direction: c.def.direction, values: [...entries.flatMap((e) => byEntry[m].get(e)!), ...c.current] })));
  if (!net) return [...suites];
  const contrasts = new Map(
    usable.map((c, m) => {
      let at = 0;
      const stored = entries.map((e) => net[m].slice(at, (at += byEntry[m].get(e)!.length)));
      return [c, estimate(stored, groupByRun(net[m].slice(at), runOf), c.tolerance, opts.confidence ?? 0.95, opts.variance ?? 'runs')];
    }),
  );
  return suites.map((c) => ({ ...c, contrast: contrasts.get(c) ?? null }));
}

/**
 * The engine's cells with each metric's scenario contrasts moderated together by a trend prior
 * (moderation.ts fitTrendPriors: each contrast's prior is κ times its own within-run variance).
 * Only the contrasts: a contrast divides out whatever a run shares across its scenarios, so the
 * contrasts' variances are each scenario's own noise, drawn apart. A scenario's own cell and the
 * whole-set cell also carry the run effect every cell of a run shares; their variances all move
 * with the same few run draws, agree for that reason alone, and would claim degrees of freedom
 * the runs do not have (the whole-set cell gets its share of α instead, verdict.ts). A trend prior
 * on the whole-set cells (one κ over an engine's metrics) was measured and left out: under (b) the
 * run effect makes every metric's ratio agree, and false alarms rose to 1.4–1.5% of unchanged jobs
 * at 3 and 10 stored runs (bench:gate's model (b), 1,000 jobs).
 */
function withModeration(cells: readonly Cell[], confidence: number): Cell[] {
  const out = [...cells];
  const groups = METRICS.map((def) => out.map((c, i) => ({ c, i })).filter(({ c }) => c.def === def && c.scenario !== SUITE && c.contrast !== null));
  const variances = groups.map((g) =>
    g.map(({ c }) => {
      const est = c.contrast!;
      // Where one side's runs do not spread at all (a stuck or quantised collector), the test is
      // Welch's on the other side alone and the within-run variance pooled over both sides counts
      // degrees of freedom that carry nothing: no prior then (bench:gate's constant history).
      const pooled = est.noise !== null && est.noise.runVariance !== null;
      return { run: { variance: est.unitVariance, df: est.df }, within: pooled ? { variance: est.noise!.within, df: est.noise!.withinDf } : { variance: 0, df: 0 } };
    }),
  );
  const priors = fitTrendPriors(variances);
  groups.forEach((g, k) =>
    g.forEach(({ c, i }, j) => {
      const prior = priors[k][j];
      if (prior) out[i] = { ...c, contrast: moderate(c.contrast!, prior, confidence) };
    }),
  );
  return out;
}

/**
 * The cells judged with no more degrees of freedom than the tails of the engine's history allow
 * (moderation.ts tailDf): the excess kurtosis of every scenario cell's stored run summaries, on
 * the logs the tests compare.
 */
function withHistoryTails(cells: readonly Cell[], confidence: number): Cell[] {
  const summaries = cells.filter((c) => c.scenario !== SUITE && c.censored === null && c.runs.every((r) => r.values.every(positive))).map((c) => c.runs.map((r) => trimmedMean(r.values.map(Math.log))));
  const maxDf = tailDf(pooledExcessKurtosis(summaries));
  if (maxDf === Infinity) return [...cells];
  return cells.map((c) => ({ ...c, estimate: c.estimate && withTailDf(c.estimate, maxDf, confidence), contrast: c.contrast && withTailDf(c.contrast, maxDf, confidence) }));
}

export function planEngine(engine: EngineResult, run: RunResult, history: readonly BaselineEntry[], scenarios: Map<string, Scenario>, opts: CellOptions): EnginePlan {
  const selected = selectBaseline(history, engine, run, opts.allowFingerprintMismatch ?? false);
  const selection = opts.window ? { ...selected, entries: selected.entries.slice(-opts.window) } : selected;
  if (engine.status !== 'ok') return { engine, selection, cells: [] };
  const confidence = opts.confidence ?? 0.95;
  const summaries = new Map(run.scenarioSet.names.map((name) => [name, summariesOf(engine, name)]));
  const runOf = engine.repetitions.map((r) => r.run ?? 0);
  const maxRate = opts.maxFailureRate ?? 0;
  const failures = new Map(excessFailures(engine, run.scenarioSet.names, maxRate).map((f) => [f.scenario, describeFailures(f, maxRate)]));
  const perMetric: Cell[][] = [];
  for (const def of ALL_METRICS) {
    // A metric is compared where the scenario has it (capacity searches, fixed loads: catalog.ts).
    const names = run.scenarioSet.names.filter((name) => metricApplies(def, scenarios.get(name)!));
    const perScenario = names.map((scenario): Cell => {
      const reps = summaries.get(scenario);
      const tolerance = opts.tolerances?.[def.name] ?? scenarios.get(scenario)!.tolerances[def.name] ?? def.tolerance;
      // A censored value is read at its bound, and marked (censored.ts).
      const bounds = reps ? reps.map((s) => censoredBound(def, s)) : [];
      const read = reps ? reps.map((s, i) => bounds[i] ?? metricValue(def, s)) : [];
      // A value that is missing, not finite, negative or an impossible 0 is wrong data: the cell is an error.
      const bad = read.findIndex((v) => valueProblem(def, v) !== null);
      const error = failures.get(scenario) ?? (bad >= 0 ? `${def.name} ${valueProblem(def, read[bad])} in run ${runOf[bad] + 1}, repetition ${engine.repetitions[bad].index}` : null);
      const missing = error !== null || !reps;
      const current = missing ? [] : (read as number[]);
      const currentRuns = groupByRun(current, runOf);
      const runs = storedRuns(selection.entries, scenario, def.name);
      const baseline = runs.flatMap((r) => r.values);
      const below = { baseline: runs.flatMap((r) => r.below), current: missing ? [] : bounds.map((b) => b !== null) };
      const kind = censoredKind(below, baseline, current);
      const est = !missing && baseline.length > 0 && testable(kind) ? estimate(runs.map((r) => r.values), currentRuns, tolerance, confidence, opts.variance ?? 'runs') : null;
      const censored = kind === null ? null : { ...below, kind };
      return { engine: engine.engine, scenario, def, tolerance, runs, baseline, current, currentRuns, missing, error, estimate: est, contrast: null, censored };
    });
    if (perScenario.length > 0) perMetric.push(perScenario);
  }
  const weights = suiteWeights(perMetric);
  const suites = withMetricContrasts(
    perMetric.flatMap((perScenario, k) => suiteCell(perScenario, weights[k], perScenario[0].def, opts.tolerances?.[perScenario[0].def.name] ?? perScenario[0].def.tolerance, runOf, opts) ?? []),
    runOf,
    opts,
  );
  const cells: Cell[] = [];
  for (const perScenario of perMetric) {
    cells.push(...withContrasts(perScenario, runOf, opts));
    const suite = suites.find((c) => c.def === perScenario[0].def);
    if (suite) cells.push(suite);
  }
  const moderated = opts.moderation === false ? cells : withModeration(cells, confidence);
  return { engine, selection, cells: withHistoryTails(moderated, confidence) };
}
